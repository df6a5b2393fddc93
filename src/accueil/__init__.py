"""accueil: self-hostable omnichannel service-relation platform (chatbot, voicebot, mailbot, KB, live chat)."""

__version__ = "0.1.0"
