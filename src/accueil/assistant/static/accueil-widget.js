/* accueil — widget de l'assistant. Une balise suffit :
 *   <script src="https://accueil.example/widget/accueil-widget.js" data-public="AE"></script>
 * Attributs facultatifs : data-public (code du public), data-organisation, data-title, data-account et
 * data-account-signature (compte vérifié par le site hôte).
 * Rendu échappé : tout texte venant du serveur passe par textContent ; aucun HTML reçu n'est interprété.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__accueilWidget) { return; }
  window.__accueilWidget = true;
  var BASE = new URL(script.src, location.href).origin;
  var API = BASE + "/api/v1/chat";
  var OPTS = {
    public: (script.dataset.public || "").toUpperCase() || null,
    organisation: script.dataset.organisation || null,
    title: script.dataset.title || "Assistant",
    account: script.dataset.account || null,
    accountSignature: script.dataset.accountSignature || null
  };
  var STORE = "accueil-widget:" + BASE + ":" + (OPTS.public || "-");
  var state = { id: null, token: null, last: 0, ended: false };
  var outbox = [];        // turns not yet acknowledged: re-sent with the same client_id
  var socket = null, socketTries = 0, sending = false, started = false;
  var live = null, liveTries = 0, liveSent = {};  // after a handoff: the live-chat channel of the conversation
  var LIVE = ["queued", "assigned"];

  // ------------------------------------------------------------------ DOM helpers (textContent only)
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function hidden(text) { return el("span", { className: "aw-sr" }, text); }

  var css = el("link", { rel: "stylesheet", href: BASE + "/widget/accueil-widget.css" });
  document.head.appendChild(css);

  var root = el("div", { className: "aw-root", "data-accueil-widget": "" });
  var launcher = el("button", { type: "button", className: "aw-launcher", "aria-expanded": "false",
    "aria-controls": "aw-panel" }, "Une question ?");
  var panel = el("section", { id: "aw-panel", className: "aw-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "aw-title", hidden: "" });
  var header = el("header", { className: "aw-header" });
  var title = el("h2", { id: "aw-title", className: "aw-title" }, OPTS.title);
  var close = el("button", { type: "button", className: "aw-close", "aria-label": "Fermer l'assistant" }, "×");
  header.appendChild(title); header.appendChild(close);
  var log = el("div", { className: "aw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation avec l'assistant", tabindex: "0" });
  var typing = el("div", { className: "aw-typing", hidden: "", "aria-hidden": "true" });
  typing.appendChild(el("span")); typing.appendChild(el("span")); typing.appendChild(el("span"));
  var status = el("p", { className: "aw-status", role: "status" });
  var human = el("button", { type: "button", className: "aw-human" }, "Parler à un conseiller");
  var form = el("form", { className: "aw-form", novalidate: "" });
  var label = el("label", { for: "aw-input", className: "aw-sr" }, "Votre message");
  var input = el("textarea", { id: "aw-input", className: "aw-input", rows: "1", maxlength: "2000",
    placeholder: "Écrivez votre question…", autocomplete: "off" });
  var send = el("button", { type: "submit", className: "aw-send" }, "Envoyer");
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  var footer = el("footer", { className: "aw-footer" });
  footer.appendChild(human); footer.appendChild(form);
  panel.appendChild(header); panel.appendChild(log); panel.appendChild(typing); panel.appendChild(status);
  panel.appendChild(footer);
  root.appendChild(launcher); root.appendChild(panel);
  (document.body || document.documentElement).appendChild(root);

  // ------------------------------------------------------------------ storage (kept across reloads)
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify({ id: state.id, token: state.token, last: state.last })); }
    catch (e) { /* private mode: the conversation lives as long as the page */ }
  }
  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }
  function forget() {
    try { sessionStorage.removeItem(STORE); } catch (e) { /* ignore */ }
    state = { id: null, token: null, last: 0, ended: false };
  }

  // ------------------------------------------------------------------ rendering
  function scroll() { log.scrollTop = log.scrollHeight; }
  function setStatus(text) { status.textContent = text || ""; }
  function showTyping(on) { if (on) { typing.removeAttribute("hidden"); } else { typing.setAttribute("hidden", ""); } }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, BASE);
      return (parsed.protocol === "https:" || parsed.protocol === "http:") ? parsed.href : null;
    } catch (e) { return null; }
  }
  function frDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }

  function addUser(text) {
    var item = el("div", { className: "aw-msg aw-user" });
    item.appendChild(hidden("Vous : "));
    item.appendChild(el("p", {}, text));
    log.appendChild(item); scroll();
  }

  function addBot(reply) {
    var item = el("div", { className: "aw-msg aw-bot aw-" + (reply.kind || "text") });
    item.appendChild(hidden("Assistant : "));
    if (reply.text) {
      String(reply.text).split("\n").forEach(function (line) { if (line) { item.appendChild(el("p", {}, line)); } });
    }
    if (reply.sources && reply.sources.length) {
      var box = el("div", { className: "aw-sources" });
      box.appendChild(el("p", { className: "aw-sources-title" }, "Sources :"));
      var list = el("ul");
      reply.sources.forEach(function (source) {
        var li = el("li");
        var href = source.url ? safeUrl(source.url) : null;
        var name = href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, source.title)
                        : el("span", {}, source.title);
        li.appendChild(name);
        if (source.checked) { li.appendChild(el("span", { className: "aw-checked" }, " (vérifié le " + frDate(source.checked) + ")")); }
        list.appendChild(li);
      });
      box.appendChild(list); item.appendChild(box);
    }
    if (reply.choices && reply.choices.length) {
      var group = el("div", { className: "aw-choices", role: "group", "aria-label": "Propositions" });
      reply.choices.forEach(function (choice) {
        var button = el("button", { type: "button", className: "aw-choice", "data-choice": choice.id }, choice.label);
        button.addEventListener("click", function () {
          if (button.getAttribute("aria-disabled") === "true") { return; }
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
            b.setAttribute("aria-disabled", "true"); b.disabled = true;
          });
          button.classList.add("aw-chosen");
          submit({ choice: choice.id, label: choice.label }, choice.label);
          input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    if (reply.kind === "end") { endConversation(); }
    log.appendChild(item); scroll();
  }

  function addNote(author, text, name) {
    var item = el("div", { className: "aw-msg aw-" + author });
    var who = author === "agent" ? (name || "Conseiller") : "Information";
    item.appendChild(el("p", { className: "aw-who" }, who + " :"));
    item.appendChild(el("p", {}, text));
    log.appendChild(item); scroll();
  }

  function renderMessages(messages) {
    messages.forEach(function (m) {
      if (m.author === "usager") { addUser(m.text); }
      else if (m.author === "agent" || m.author === "system") { addNote(m.author, m.text, m.author_name); }
      else { addBot(m); }
      state.last = Math.max(state.last, m.id);
    });
    save();
  }

  function endConversation() {
    state.ended = true;
    input.disabled = true; send.disabled = true;
    if (!panel.querySelector(".aw-restart")) {
      var again = el("button", { type: "button", className: "aw-restart" }, "Nouvelle conversation");
      again.addEventListener("click", function () { forget(); log.textContent = ""; input.disabled = false;
        send.disabled = false; again.remove(); begin(); input.focus(); });
      footer.insertBefore(again, footer.firstChild);
    }
  }

  // ------------------------------------------------------------------ HTTP
  function call(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state.token) { headers["X-Chat-Token"] = state.token; }
    return fetch(API + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { var error = new Error(data.message || "Erreur"); error.status = response.status; throw error; }
          return data;
        });
      });
  }

  function begin() {
    started = true;
    var body = { public: OPTS.public, organisation: OPTS.organisation, page: location.href.slice(0, 300) };
    if (OPTS.account && OPTS.accountSignature) { body.account = { ref: OPTS.account, signature: OPTS.accountSignature }; }
    setStatus("");
    return call("POST", "/conversations", body).then(function (data) {
      state.id = data.conversation_id; state.token = data.token; state.last = data.last_message_id || 0;
      save();
      data.replies.forEach(addBot);
      connect();
    }).catch(function (error) {
      started = false;
      setStatus(error.status === 429 ? error.message : "L'assistant est momentanément indisponible. Réessayez dans un instant.");
    });
  }

  function resume() {
    var saved = load();
    if (!saved || !saved.id || !saved.token) { return begin(); }
    state.id = saved.id; state.token = saved.token; state.last = 0; started = true;
    return call("GET", "/conversations/" + encodeURIComponent(state.id) + "/messages?after=0").then(function (data) {
      renderMessages(data.messages);
      if (data.ended) { endConversation(); }
      if (LIVE.indexOf(data.status) >= 0) { goLive(); } else { connect(); }
    }).catch(function (error) {
      if (error.status === 401 || error.status === 404) { forget(); log.textContent = ""; return begin(); }
      setStatus("Connexion perdue : nouvelle tentative…");
      setTimeout(resume, 2000);
    });
  }

  // ------------------------------------------------------------------ turns (WebSocket, or HTTP as fallback)
  function newId() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  function submit(turn, shown) {
    if (state.ended || !state.id) { return; }
    if (shown) { addUser(shown); }
    turn.client_id = newId();
    outbox.push(turn);
    flush();
  }

  function flush() {
    if (live) { return flushLive(); }
    if (sending || !outbox.length) { return; }
    sending = true;
    showTyping(true);
    var turn = outbox[0];
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify(Object.assign({ type: "turn" }, turn)));
      return; // the answer arrives in onmessage
    }
    call("POST", "/conversations/" + encodeURIComponent(state.id) + "/turns", turn).then(acknowledge).catch(failed);
  }

  function acknowledge(data) {
    outbox.shift(); sending = false; showTyping(false); setStatus("");
    data.replies.forEach(addBot);
    state.last = Math.max(state.last, data.last_message_id || 0);
    save();
    if (data.ended) { endConversation(); }
    if (LIVE.indexOf(data.status) >= 0) { goLive(); }
    flush();
  }

  function failed(error) {
    sending = false; showTyping(false);
    if (error && error.status === 401) { setStatus(error.message); forget(); outbox = []; endConversation(); return; }
    if (error && error.status && error.status < 500 && error.status !== 429) {
      outbox.shift(); setStatus(error.message); flush(); return;
    }
    setStatus(error && error.status === 429 ? error.message : "Connexion perdue : votre message sera renvoyé…");
    setTimeout(flush, 2000);
  }

  function connect() {
    if (!("WebSocket" in window) || !state.token || state.ended) { return; }
    var url = BASE.replace(/^http/, "ws") + "/api/v1/chat/ws?token=" + encodeURIComponent(state.token);
    try { socket = new WebSocket(url); } catch (e) { socket = null; return; }
    socket.onopen = function () {
      socketTries = 0; setStatus("");
      socket.send(JSON.stringify({ type: "resume", after: state.last }));
      if (sending) { sending = false; } // a turn in flight on the old socket is re-sent (same client_id)
      flush();
    };
    socket.onmessage = function (event) {
      var data; try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "typing") { showTyping(true); }
      else if (data.type === "replies") { acknowledge(data); }
      else if (data.type === "messages") {
        renderMessages(data.messages.filter(function (m) { return m.id > state.last; }));
        if (data.ended) { endConversation(); }
      } else if (data.type === "error") {
        if (data.status === 401) { socket.close(); forget(); endConversation(); setStatus(data.message); return; }
        if (sending) { failed({ status: data.status, message: data.message }); } else { setStatus(data.message); }
      }
    };
    socket.onclose = function (event) {
      socket = null;
      if (event.code === 4401 || state.ended) { return; }
      socketTries += 1;
      if (sending) { sending = false; setTimeout(flush, 500); } // fall back to HTTP meanwhile
      setTimeout(connect, Math.min(15000, 1000 * Math.pow(2, socketTries)));
    };
  }
  // ------------------------------------------------------------------ live chat (a human answers)
  function goLive() {
    if (live || state.ended) { return; }
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
    human.setAttribute("hidden", "");
    live = { socket: null };
    openLive();
  }

  function openLive() {
    var url = BASE.replace(/^http/, "ws") + "/api/v1/livechat/ws/usager?token=" + encodeURIComponent(state.token) +
      "&after=" + state.last;
    var ws;
    try { ws = new WebSocket(url); } catch (e) { return; }
    live.socket = ws;
    ws.onopen = function () { liveTries = 0; setStatus(""); flushLive(); };
    ws.onmessage = function (event) {
      var data; try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "state") {
        (data.messages || []).forEach(showLive);
        if (data.message) { setStatus(data.message); }
        if (data.status === "closed") { endConversation(); if (!data.rated) { askRating(); } }
        if (data.status === "bot") { leaveLive(); }
      } else if (data.type === "message") { showLive(data.message); }
      else if (data.type === "queue" && data.message) { setStatus(data.message); }
      else if (data.type === "typing") { showTyping(true); setTimeout(function () { showTyping(false); }, 3000); }
      else if (data.type === "ack") {
        liveSent[data.id] = true; outbox.shift(); sending = false; flushLive();
      } else if (data.type === "error" && data.message) { setStatus(data.message); sending = false; outbox.shift(); }
    };
    ws.onclose = function () {
      if (!live || live.socket !== ws || state.ended) { return; }
      sending = false; liveTries += 1;
      setTimeout(function () { if (live) { openLive(); } }, Math.min(15000, 1000 * Math.pow(2, liveTries)));
    };
  }

  function showLive(m) {
    if (!m || m.id <= state.last) { return; }
    state.last = m.id; save();
    showTyping(false);
    if (m.author_kind === "usager") { if (!liveSent[m.id]) { addUser(m.text); } return; }
    if (m.author_kind === "agent" || m.author_kind === "system") { setStatus(""); addNote(m.author_kind, m.text, m.author_name); }
    else { addBot({ kind: "text", text: m.text }); }
  }

  function flushLive() {
    if (sending || !outbox.length || !live || !live.socket || live.socket.readyState !== 1) { return; }
    var turn = outbox[0];
    if (!turn.text) { outbox.shift(); return flushLive(); }  // buttons belong to the bot: nothing to send
    sending = true;
    live.socket.send(JSON.stringify({ type: "message", text: turn.text, client_id: turn.client_id }));
  }

  function askRating() {  // after a human conversation: 1 to 5 and an optional comment
    if (log.querySelector(".aw-rating")) { return; }
    var box = el("form", { className: "aw-msg aw-rating", novalidate: "" });
    var set = el("fieldset");
    set.appendChild(el("legend", {}, "Comment évaluez-vous cet échange avec le conseiller ?"));
    var scale = el("div", { className: "aw-stars" });
    [1, 2, 3, 4, 5].forEach(function (value) {
      var id = "aw-rate-" + value;
      var radio = el("input", { type: "radio", name: "aw-rating", id: id, value: String(value) });
      scale.appendChild(radio);
      scale.appendChild(el("label", { for: id }, value + (value === 1 ? " (pas satisfait)" : value === 5 ? " (très satisfait)" : "")));
    });
    set.appendChild(scale);
    set.appendChild(el("label", { for: "aw-rate-comment" }, "Commentaire (facultatif)"));
    var comment = el("textarea", { id: "aw-rate-comment", rows: "2", maxlength: "1000" });
    set.appendChild(comment);
    var submitRating = el("button", { type: "submit", className: "aw-send" }, "Envoyer ma note");
    set.appendChild(submitRating);
    box.appendChild(set);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = box.querySelector("input[name='aw-rating']:checked");
      if (!chosen) { setStatus("Choisissez une note de 1 à 5."); return; }
      submitRating.disabled = true;
      fetch(BASE + "/api/v1/livechat/conversation/rating", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Conversation-Token": state.token },
        body: JSON.stringify({ value: Number(chosen.value), comment: comment.value.trim() })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { throw new Error(data.message || "Votre note n'a pas pu être enregistrée."); }
          box.replaceWith(el("p", { className: "aw-msg aw-system" }, "Merci pour votre note (" + data.rating + "/5) !"));
          setStatus("Merci pour votre note !");
        });
      }).catch(function (error) { submitRating.disabled = false; setStatus(error.message); });
    });
    log.appendChild(box); scroll();
    var first = box.querySelector("input"); if (first) { first.focus(); }
  }

  function leaveLive() {  // the usager left the queue: the bot answers again
    if (live && live.socket) { live.socket.onclose = null; live.socket.close(); }
    live = null; human.removeAttribute("hidden"); connect();
  }

  window.addEventListener("online", function () { setStatus(""); flush(); if (!socket) { connect(); } });
  window.addEventListener("offline", function () { setStatus("Vous êtes hors ligne : vos messages partiront au retour du réseau."); });

  // ------------------------------------------------------------------ open, close, keyboard
  function open() {
    panel.removeAttribute("hidden");
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("aw-open");
    if (!started) { if (load()) { resume(); } else { begin(); } }
    setTimeout(function () { input.focus(); }, 0);
  }
  function shut() {
    panel.setAttribute("hidden", "");
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("aw-open");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (panel.hasAttribute("hidden")) { open(); } else { shut(); } });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { shut(); } });
  human.addEventListener("click", function () { submit({ choice: "handoff", label: human.textContent }, human.textContent); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { setStatus("Votre message est vide."); input.focus(); return; }
    input.value = "";
    submit({ text: text }, text);
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });
  if (load()) { open(); } // a conversation in progress comes back after a reload
})();
