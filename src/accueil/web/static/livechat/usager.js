// The direct live-chat page (/livechat): start, wait with position and estimate, chat, rate or leave a message.
import { LiveChatClient } from './livechat-client.js';
import { formatTime } from './socket.js';

const $ = (id) => document.getElementById(id);
const WHO = { usager: 'Vous', bot: 'Assistant', agent: 'Conseiller', system: 'Information' };
const STORE = 'accueil.livechat.token';
let chat = null;
let typingTimer = null;

function feedback(text) { $('feedback').textContent = text || ''; }

function renderMessage(message) {
  const list = $('chat-messages');
  const item = document.createElement('li');
  item.className = `lc-msg lc-${message.author_kind}`;
  item.dataset.id = String(message.id);
  const meta = document.createElement('span');
  meta.className = 'lc-meta';
  meta.textContent = `${message.author_name || WHO[message.author_kind] || ''} · ${formatTime(message.created_at)}`;
  const text = document.createElement('p');
  text.textContent = message.text;
  item.append(meta, text);
  const next = [...list.children].find((li) => Number(li.dataset.id) > message.id);
  list.insertBefore(item, next || null);
}

function showQueue(data) {
  if (data.message) $('queue-status').textContent = data.message;
}

function onState(data) {
  if (data.status === 'queued') showQueue(data);
  else if (data.status === 'assigned') $('queue-status').textContent = `Vous échangez avec ${data.agent_name || 'un conseiller'}.`;
  else if (data.status === 'closed') {
    $('queue-status').textContent = 'La conversation est terminée.';
    $('chat-form').hidden = true;
    $('rating-form').hidden = Boolean(data.rated);
    if (data.rated) $('queue-status').textContent = `La conversation est terminée. Merci pour votre note (${data.rated}/5).`;
    sessionStorage.removeItem(STORE);
  } else if (data.status === 'bot') {
    $('queue-status').textContent = "Vous n'êtes plus en file d'attente.";
    $('chat-form').hidden = true;
  }
}

function openChat(token) {
  $('start-form').hidden = true;
  $('chat').hidden = false;
  chat = new LiveChatClient({ token });
  chat.addEventListener('message', (e) => renderMessage(e.detail));
  chat.addEventListener('state', (e) => onState(e.detail));
  chat.addEventListener('queue', (e) => showQueue(e.detail));
  chat.addEventListener('error', (e) => feedback(e.detail.message));
  chat.addEventListener('typing', () => {
    $('chat-typing').textContent = 'Le conseiller écrit…';
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => { $('chat-typing').textContent = ''; }, 3000);
  });
  chat.connect();
}

$('start-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  feedback('');
  try {
    const data = await LiveChatClient.start({
      publicCode: $('start-public').value, skill: $('start-skill').value, text: $('start-text').value,
    });
    sessionStorage.setItem(STORE, data.token);
    openChat(data.token);
    $('queue-status').textContent = data.outcome.message;
    if (data.outcome.status !== 'queued') {
      $('chat-form').hidden = true;
      $('leave-form').hidden = false;
    }
  } catch (error) { feedback(error.message); }
});

$('chat-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('chat-text').value.trim();
  if (!text) return;
  try { await chat.send(text); $('chat-text').value = ''; } catch (error) { feedback(error.message); }
});
$('chat-text').addEventListener('input', () => chat && chat.typing());
$('chat-text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); $('chat-form').requestSubmit(); }
});
$('chat-cancel').addEventListener('click', async () => {
  try { await chat.cancel(); } catch (error) { feedback(error.message); }
});
$('rating-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const chosen = document.querySelector('input[name="rating"]:checked');
  if (!chosen) return;
  try {
    await chat.rate(Number(chosen.value), $('rating-comment').value);
    $('rating-form').hidden = true;
    $('queue-status').textContent = 'Merci pour votre note !';
  } catch (error) { feedback(error.message); }
});
$('leave-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const data = await chat.leaveMessage($('leave-text').value, $('leave-email').value);
    $('leave-form').hidden = true;
    $('queue-status').textContent = `${data.message} Référence : ${data.reference}.`;
  } catch (error) { feedback(error.message); }
});

const saved = sessionStorage.getItem(STORE);
if (saved) openChat(saved);
