// Supervision: live queues, waiting conversations, agents and load, service level; reassignment.
import { ReconnectingSocket, formatDuration } from './socket.js';

const root = document.getElementById('supervision');
const $ = (id) => document.getElementById(id);
let agents = [];

function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
function feedback(text) { $('feedback').textContent = text || ''; }

async function reassign(conversationId, agentId) {
  const response = await fetch(`/api/v1/livechat/supervision/conversations/${conversationId}/reassign`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': root.dataset.csrf },
    body: JSON.stringify({ agent_id: agentId }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || 'Réaffectation impossible.');
  feedback('');
}

function agentSelect(withQueue) {
  const select = document.createElement('select');
  select.setAttribute('aria-label', 'Agent destinataire');
  if (withQueue) { const o = document.createElement('option'); o.value = ''; o.textContent = "Remettre en file d'attente"; select.append(o); }
  for (const agent of agents.filter((a) => a.presence !== 'hors_ligne')) {
    const option = document.createElement('option');
    option.value = String(agent.user_id);
    option.textContent = `${agent.name} (${agent.load}/${agent.max_chats})`;
    select.append(option);
  }
  return select;
}

function render(data) {
  agents = data.agents;
  const sl = data.service_level;
  $('kpi-sl').textContent = sl.percent === null ? '—' : `${sl.percent} % (objectif ${sl.target_percent} %)`;
  $('kpi-abandon').textContent = sl.abandonment_percent === null ? '—' : `${sl.abandonment_percent} % (${sl.abandoned})`;
  $('kpi-taken').textContent = String(sl.taken);
  $('kpi-waiting').textContent = String(data.waiting_total);
  $('queues').replaceChildren(...data.queues.map((q) => {
    const tr = document.createElement('tr');
    const estimate = q.estimated_wait_s === null ? 'non fiable' : formatDuration(q.estimated_wait_s);
    tr.append(cell(`${q.organisation} · ${q.skill}`), cell(String(q.waiting)), cell(formatDuration(q.longest_wait_s)), cell(estimate), cell(String(q.agents_available)));
    return tr;
  }));
  const rows = [];
  for (const q of data.queues) {
    for (const entry of q.entries) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      const select = agentSelect(false);
      const button = document.createElement('button');
      button.type = 'button'; button.className = 'secondary'; button.textContent = 'Affecter';
      button.addEventListener('click', () => reassign(entry.conversation_id, Number(select.value)).catch((e) => feedback(e.message)));
      td.append(select, button);
      tr.append(cell(`n° ${entry.conversation_id}${entry.overflowed ? ' (débordement)' : ''}`), cell(q.queue_id), cell(formatDuration(entry.waiting_s)), td);
      rows.push(tr);
    }
  }
  $('waiting').replaceChildren(...rows);
  $('agents').replaceChildren(...data.agents.map((a) => {
    const tr = document.createElement('tr');
    tr.append(cell(a.name), cell(a.presence_label), cell(`${a.load} / ${a.max_chats}`), cell(a.organisations.join(', ')), cell(a.skills.join(', ')));
    return tr;
  }));
  const select = $('reassign-agent');
  const keep = select.value;
  select.replaceChildren(...agentSelect(true).children);
  select.value = keep;
}

new ReconnectingSocket(() => root.dataset.ws, {
  onMessage: (data) => { if (data.type === 'snapshot') render(data); },
  onStatus: (s, reason) => { $('connection').textContent = { open: 'Mis à jour en direct', closed: 'Connexion perdue : reconnexion…', refused: reason || 'Connexion refusée.' }[s] || s; },
}).start();

$('reassign-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const agent = $('reassign-agent').value;
  try { await reassign(Number($('reassign-id').value), agent ? Number(agent) : null); feedback(''); } catch (error) { feedback(error.message); }
});
