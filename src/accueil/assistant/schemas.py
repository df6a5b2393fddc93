"""JSON shapes of the chat API (widget and any other client)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from accueil.assistant.turns import Reply


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: str = Field(min_length=1, max_length=100, description="Référence de compte donnée par le site hôte")
    signature: str = Field(min_length=1, max_length=200, description="HMAC de la référence (clé partagée)")


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    public: str | None = Field(default=None, max_length=8, description="Code du public donné par la page hôte")
    organisation: str | None = Field(default=None, max_length=20)
    account: AccountIn | None = None
    page: str = Field(default="", max_length=300, description="Adresse de la page hôte")


class ChoiceOut(BaseModel):
    id: str
    label: str


class SourceOut(BaseModel):
    title: str
    url: str = ""
    checked: str | None = None
    key: str = ""


class ReplyOut(BaseModel):
    kind: str
    text: str
    choices: list[ChoiceOut] = []
    sources: list[SourceOut] = []

    @classmethod
    def of(cls, reply: Reply) -> ReplyOut:
        return cls.model_validate(reply.as_dict())


class StartOut(BaseModel):
    conversation_id: str
    token: str
    expires_at: str
    public: str | None
    replies: list[ReplyOut]
    last_message_id: int


class TurnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, max_length=20_000)
    choice: str | None = Field(default=None, max_length=200)
    dtmf: str | None = Field(default=None, max_length=8, pattern=r"^[0-9*#]+$")
    label: str = Field(default="", max_length=300, description="Libellé du bouton choisi")
    client_id: str = Field(default="", max_length=64, description="Identifiant du tour (renvoi sans doublon)")

    @model_validator(mode="after")
    def _one_kind(self) -> TurnIn:
        if sum(value is not None for value in (self.text, self.choice, self.dtmf)) != 1:
            raise ValueError("un tour porte exactement un champ parmi text, choice et dtmf")
        return self


class TurnOut(BaseModel):
    replies: list[ReplyOut]
    intent: str | None
    handoff: bool
    satisfaction_asked: bool
    ended: bool
    last_message_id: int
    status: str = "bot"  # "queued" or "assigned": a human has the conversation (live chat API from now on)


class MessageOut(BaseModel):
    id: int
    author: str
    author_name: str = ""
    kind: str
    text: str
    choices: list[ChoiceOut] = []
    sources: list[SourceOut] = []
    at: str | None = None


class MessagesOut(BaseModel):
    status: str
    ended: bool
    messages: list[MessageOut]

    @classmethod
    def of(cls, status: str, ended: bool, messages: list[dict[str, Any]]) -> MessagesOut:
        return cls(status=status, ended=ended, messages=[MessageOut.model_validate(m) for m in messages])
