// Agent console: presence, live inbox, the conversation with the bot's summary, messages, notes, transfer,
// close, and the knowledge panel. Every text is inserted with textContent.
import { ReconnectingSocket, Throttle, appendSnippet, formatDuration, formatTime, newClientId } from './socket.js';

const root = document.getElementById('console');
const csrf = root.dataset.csrf;
const $ = (id) => document.getElementById(id);
const WHO = { usager: 'Usager', bot: 'Bot', agent: 'Conseiller', system: 'Système' };
const state = { current: null, detail: null, seen: new Set(), unread: new Set(), offered: new Set(), targets: null };
const typingThrottle = new Throttle(2000);
let typingTimer = null;

async function api(method, path, body) {
  const response = await fetch(`/api/v1/livechat/agent${path}`, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || 'Une erreur est survenue.');
  return data;
}

function feedback(text) { $('feedback').textContent = text || ''; }
function announce(text) { $('announcer').textContent = ''; window.setTimeout(() => { $('announcer').textContent = text; }, 50); }
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function listButton(id, title, lines, extraClass) {
  const item = el('li');
  const button = el('button', undefined, extraClass || '');
  button.type = 'button';
  button.dataset.id = String(id);
  button.append(el('strong', title));
  for (const line of lines.filter(Boolean)) { button.append(el('br')); button.append(document.createTextNode(line)); }
  if (state.current === id) button.setAttribute('aria-current', 'true');
  if (state.unread.has(id)) button.classList.add('lc-unread');
  button.addEventListener('click', () => openConversation(id));
  item.append(button);
  return item;
}

function renderInbox(inbox) {
  $('presence').value = inbox.presence;
  $('capacity').textContent = `${inbox.load} / ${inbox.max_chats} conversations simultanées`;
  const incoming = $('incoming');
  incoming.replaceChildren();
  for (const item of inbox.incoming) {
    const label = item.offered_to_me ? 'Proposée pour vous — ' : '';
    const title = `${label}${item.intent || item.skill}`;
    const lines = [`${item.organisation} · ${item.public || ''} · attente ${formatDuration(item.waiting_s)}`, item.preview];
    incoming.append(listButton(item.conversation_id, title, lines, item.offered_to_me ? 'lc-offered' : ''));
    if (item.offered_to_me && !state.offered.has(item.conversation_id)) {
      state.offered.add(item.conversation_id);
      announce(`Nouvelle conversation proposée : ${item.intent || item.skill}.`);
    }
  }
  $('incoming-count').textContent = String(inbox.incoming.length);
  const mine = $('mine');
  mine.replaceChildren();
  for (const item of inbox.mine) mine.append(listButton(item.conversation_id, item.intent || `Conversation ${item.conversation_id}`, [item.preview]));
  $('mine-count').textContent = String(inbox.mine.length);
}

function addMessage(message) {
  if (message.conversation_id !== state.current || state.seen.has(message.id)) return;
  state.seen.add(message.id);
  const list = $('messages');
  const item = el('li', undefined, `lc-msg lc-${message.author_kind}`);
  item.dataset.id = String(message.id);
  item.append(el('span', `${message.author_name || WHO[message.author_kind] || ''} · ${formatTime(message.created_at)}`, 'lc-meta'));
  item.append(el('p', message.text));
  const next = [...list.children].find((li) => Number(li.dataset.id) > message.id);
  list.insertBefore(item, next || null);
  list.scrollTop = list.scrollHeight;
}

function renderDetail(detail) {
  state.detail = detail;
  $('conversation-title').textContent = `Conversation n° ${detail.conversation_id}`;
  const status = { queued: 'en attente', assigned: detail.mine ? 'avec vous' : 'avec un autre conseiller', closed: 'close', bot: 'avec le bot' };
  $('conversation-meta').textContent = [detail.organisation, detail.public, detail.skill_label, status[detail.status]].filter(Boolean).join(' · ');
  const summary = $('summary');
  summary.replaceChildren();
  for (const row of detail.summary) { summary.append(el('dt', row.label)); summary.append(el('dd', row.value)); }
  if (!detail.summary.length) summary.append(el('dd', 'Pas de résumé : conversation démarrée sans le bot.'));
  const steps = $('steps');
  steps.replaceChildren(...detail.steps.map((step) => el('li', step)));
  $('messages').replaceChildren();
  state.seen = new Set();
  for (const message of detail.messages) addMessage({ ...message, conversation_id: detail.conversation_id });
  $('notes').replaceChildren(...detail.notes.map((note) => el('li', `${formatTime(note.created_at)} — ${note.text}`)));
  const mine = detail.mine && detail.status === 'assigned';
  $('accept-box').hidden = detail.status !== 'queued';
  $('composer').hidden = !mine;
  $('actions').hidden = !mine;
}

async function openConversation(id) {
  feedback('');
  state.current = id;
  state.unread.delete(id);
  try {
    renderDetail(await api('GET', `/conversations/${id}`));
    for (const button of document.querySelectorAll('.lc-list button')) {
      button.setAttribute('aria-current', Number(button.dataset.id) === id ? 'true' : 'false');
    }
    if (!$('composer').hidden) $('composer-text').focus();
  } catch (error) { feedback(error.message); }
}

async function refreshCurrent() { if (state.current !== null) await openConversation(state.current); }

function onSocket(data) {
  switch (data.type) {
    case 'inbox': renderInbox(data); break;
    case 'message':
      if (data.message.conversation_id === state.current) addMessage(data.message);
      else { state.unread.add(data.message.conversation_id); announce('Nouveau message dans une autre conversation.'); }
      if (data.message.author_kind === 'usager' && data.message.conversation_id === state.current) {
        announce(`Message de l'usager : ${data.message.text}`);
      }
      break;
    case 'typing':
      if (data.conversation_id === state.current) {
        $('typing').textContent = "L'usager écrit…";
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(() => { $('typing').textContent = ''; }, 3000);
      }
      break;
    case 'status': case 'assigned': case 'released':
      if (data.conversation_id === state.current) refreshCurrent();
      break;
    case 'offer': announce('Nouvelle conversation proposée.'); break;
    case 'offer_missed': feedback("Proposition non acceptée à temps : vous êtes passé « en pause »."); break;
    case 'presence': $('presence').value = data.presence; break;
    case 'error': feedback(data.message); break;
    default: break;
  }
}

const socket = new ReconnectingSocket(() => root.dataset.ws, {
  onMessage: onSocket,
  onStatus: (s, reason) => {
    const labels = { open: 'Connecté en direct', closed: 'Connexion perdue : reconnexion…', refused: reason || 'Connexion refusée.' };
    $('connection').textContent = labels[s] || s;
    if (s === 'open') refreshCurrent();
  },
}).start();

$('presence').addEventListener('change', async () => {
  try { renderInbox(await api('POST', '/presence', { presence: $('presence').value })); announce('Présence mise à jour.'); } catch (error) { feedback(error.message); }
});

$('accept').addEventListener('click', async () => {
  const button = $('accept');
  button.disabled = true;
  try { renderDetail(await api('POST', `/conversations/${state.current}/accept`)); announce('Conversation acceptée.'); $('composer-text').focus(); } catch (error) { feedback(error.message); } finally { button.disabled = false; }
});

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('composer-text').value.trim();
  if (!text) return;
  const clientId = newClientId();
  try {
    if (!socket.send({ type: 'message', conversation_id: state.current, text, client_id: clientId })) {
      await api('POST', `/conversations/${state.current}/messages`, { text, client_id: clientId });
      await refreshCurrent();
    }
    $('composer-text').value = '';
  } catch (error) { feedback(error.message); }
});
$('composer-text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); $('composer').requestSubmit(); }
});
$('composer-text').addEventListener('input', () => {
  if (state.current !== null && typingThrottle.ready()) socket.send({ type: 'typing', conversation_id: state.current });
});

$('note-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try { await api('POST', `/conversations/${state.current}/notes`, { text: $('note-text').value }); $('note-text').value = ''; await refreshCurrent(); } catch (error) { feedback(error.message); }
});

async function loadTargets() {
  if (state.targets) return;
  state.targets = await api('GET', '/transfer-targets');
  const fill = (id, items, label) => { for (const item of items) { const option = el('option', label(item)); option.value = item.code || item.id; $(id).append(option); } };
  fill('transfer-agent', state.targets.agents, (a) => `${a.name} (${a.free > 0 ? `${a.free} place(s)` : 'complet'})`);
  fill('transfer-skill', state.targets.skills, (s) => s.label);
  fill('transfer-organisation', state.targets.organisations, (o) => o.name);
}
document.querySelector('#transfer-form').closest('details').addEventListener('toggle', () => loadTargets().catch((error) => feedback(error.message)));

$('transfer-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const agent = $('transfer-agent').value;
  const body = { note: $('transfer-note').value, agent_id: agent ? Number(agent) : null, skill: $('transfer-skill').value || null, organisation: $('transfer-organisation').value || null };
  try { const result = await api('POST', `/conversations/${state.current}/transfer`, body); announce(`Conversation transférée : ${result.to}.`); await refreshCurrent(); } catch (error) { feedback(error.message); }
});

$('close-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const resolved = document.querySelector('input[name="resolved"]:checked').value === 'true';
  try { await api('POST', `/conversations/${state.current}/close`, { motif: $('close-motif').value, resolved, comment: $('close-comment').value }); announce('Conversation clôturée et archivée.'); await refreshCurrent(); } catch (error) { feedback(error.message); }
});

function showFrame(url) { const frame = $('kb-frame'); frame.src = url; frame.hidden = false; }

$('kb-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const params = new URLSearchParams({ q: $('kb-q').value });
  if (state.current !== null) params.set('conversation_id', String(state.current));
  try {
    const data = await api('GET', `/kb?${params}`);
    $('kb-notice').textContent = data.notice || `${data.results.length} résultat(s).`;
    const list = $('kb-results');
    list.replaceChildren();
    for (const hit of data.results) {
      const item = el('li');
      item.append(el('strong', hit.title));
      const snippet = el('p', undefined, 'lc-muted');
      appendSnippet(snippet, hit.snippet_html);
      item.append(snippet);
      const row = el('div', undefined, 'lc-actions-row');
      if (hit.url) { const b = el('button', 'Lire', 'secondary'); b.type = 'button'; b.addEventListener('click', () => showFrame(hit.url)); row.append(b); }
      if (hit.walkthrough_url) { const b = el('button', 'Parcours guidé', 'secondary'); b.type = 'button'; b.addEventListener('click', () => showFrame(hit.walkthrough_url)); row.append(b); }
      if (hit.answer_id && state.detail && state.detail.mine) {
        const b = el('button', 'Insérer la réponse type');
        b.type = 'button';
        b.addEventListener('click', async () => {
          try {
            const answer = await api('POST', `/conversations/${state.current}/suggested-answer`, { slug: hit.slug, answer_id: hit.answer_id });
            $('composer-text').value = answer.text;
            $('composer-text').focus();
            feedback(answer.missing.length ? `À compléter avant envoi : ${answer.missing.join(', ')}.` : '');
          } catch (error) { feedback(error.message); }
        });
        row.append(b);
      }
      item.append(row);
      list.append(item);
    }
  } catch (error) { feedback(error.message); }
});
