/*
 * Chat widget for the city's pages: one <script> tag embeds it.
 *
 *   <script src="https://BOT-HOST/widget.js" data-rasa-url="https://RASA-HOST" defer></script>
 *
 * Options (data-* attributes of the script tag):
 *   data-rasa-url       Rasa server (REST channel /webhooks/rest/webhook)   required
 *   data-title          panel title                       default 電子証明書 案内チャット
 *   data-color          main colour (buttons, header)     default #1d4f91
 *   data-text-color     text colour on the main colour    default #ffffff
 *   data-max-length     longest message in characters     default 500
 *
 * The conversation (session id and messages) is kept in sessionStorage, so it
 * survives navigation between the city's pages in the same tab. The session id
 * comes only from the browser's cryptographic random source (crypto.randomUUID or
 * crypto.getRandomValues): whoever knows it can read the conversation. Without one
 * the widget says it cannot work here instead of making a guessable id.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__ecertChatLoaded) { return; }
  window.__ecertChatLoaded = true;

  var cfg = {
    rasaUrl: (script.getAttribute("data-rasa-url") || "").replace(/\/+$/, ""),
    title: script.getAttribute("data-title") || "電子証明書 案内チャット",
    color: script.getAttribute("data-color") || "#1d4f91",
    textColor: script.getAttribute("data-text-color") || "#ffffff",
    maxLength: parseInt(script.getAttribute("data-max-length") || "500", 10)
  };
  var STORE = "ecert-chat";

  // 122 or 128 random bits as hex; ids of older widgets (time + Math.random) are dropped.
  var SENDER_RE = /^web-[0-9a-f-]{32,36}$/;
  var NO_CRYPTO = "申し訳ありません。このブラウザではチャットをご利用いただけません。" +
    "新しいブラウザでお試しいただくか、市民課（0826-42-5616）へお電話ください。";

  function randomId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") { return c.randomUUID(); }
    if (c && typeof c.getRandomValues === "function") {
      var bytes = c.getRandomValues(new Uint8Array(16));
      return Array.prototype.map.call(bytes, function (b) {
        return (b + 256).toString(16).slice(1);
      }).join("");
    }
    return null;
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && SENDER_RE.test(saved.sender) && Array.isArray(saved.messages)) { return saved; }
    } catch (e) { /* storage unavailable or corrupt: start afresh */ }
    var id = randomId();
    return { sender: id ? "web-" + id : null, messages: [], open: false };
  }
  // After SENDER_RE is set: load() reads it.
  var state = load();

  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* ignore */ }
  }

  var css = [
    ".ecc-launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;border:0;border-radius:2em;",
    "padding:.8em 1.2em;font-size:1rem;font-weight:bold;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}",
    ".ecc-panel{position:fixed;right:16px;bottom:16px;z-index:2147483001;width:min(400px,calc(100vw - 32px));",
    "height:min(600px,calc(100vh - 32px));display:flex;flex-direction:column;background:#fff;color:#1a1a1a;",
    "border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.35);font-size:1rem;line-height:1.6}",
    ".ecc-panel[hidden],.ecc-launcher[hidden]{display:none}",
    ".ecc-head{display:flex;align-items:center;justify-content:space-between;padding:.5em .8em;border-radius:8px 8px 0 0}",
    ".ecc-head h2{margin:0;font-size:1.05rem}",
    ".ecc-close{background:transparent;border:2px solid currentColor;border-radius:4px;color:inherit;font-size:1rem;cursor:pointer;padding:.1em .5em}",
    ".ecc-log{flex:1;overflow-y:auto;padding:.8em;background:#f4f6f9}",
    ".ecc-msg{margin:.4em 0;padding:.5em .8em;border-radius:8px;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".ecc-bot{background:#fff;border:1px solid #c8ced8}",
    ".ecc-user{margin-left:auto;background:#e3ecf8;border:1px solid #9db4d6}",
    ".ecc-msg a{color:#0b4a9e;text-decoration:underline}",
    ".ecc-buttons{display:flex;flex-wrap:wrap;gap:.4em;margin:.3em 0 .6em}",
    ".ecc-choice{background:#fff;border:2px solid;border-radius:1.5em;padding:.3em .9em;font-size:.95rem;cursor:pointer;text-decoration:none;display:inline-block}",
    ".ecc-typing{font-style:italic;color:#444;margin:.4em 0}",
    ".ecc-error{background:#fdecea;border:1px solid #b3261e;color:#5f1410;padding:.5em .8em;border-radius:8px;margin:.4em 0}",
    ".ecc-error button{margin-left:.5em;font-size:.95rem}",
    ".ecc-form{display:flex;flex-direction:column;gap:.3em;padding:.6em;border-top:1px solid #c8ced8}",
    ".ecc-row{display:flex;gap:.4em;align-items:flex-end}",
    ".ecc-input{flex:1;resize:none;font-size:1rem;padding:.4em;border:2px solid #5a6372;border-radius:6px;min-height:2.6em;font-family:inherit}",
    ".ecc-send{border:0;border-radius:6px;padding:.55em 1em;font-size:1rem;font-weight:bold;cursor:pointer}",
    ".ecc-count{font-size:.85rem;color:#3d4451;text-align:right}",
    ".ecc-count.ecc-over{color:#b3261e;font-weight:bold}",
    ".ecc-launcher:focus-visible,.ecc-panel button:focus-visible,.ecc-input:focus-visible{outline:3px solid #f2a900;outline-offset:2px}",
    ".ecc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
  ].join("");
  var style = document.createElement("style");
  if (script.nonce) { style.nonce = script.nonce; }  // pages with a nonce'd style-src CSP
  style.textContent = css;
  document.head.appendChild(style);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var launcher = el("button", "ecc-launcher", "チャットで相談");
  launcher.type = "button";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.style.background = cfg.color;
  launcher.style.color = cfg.textColor;

  var panel = el("section", "ecc-panel");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "ecc-title");
  var head = el("div", "ecc-head");
  head.style.background = cfg.color;
  head.style.color = cfg.textColor;
  var title = el("h2", "", cfg.title);
  title.id = "ecc-title";
  var close = el("button", "ecc-close", "閉じる");
  close.type = "button";
  head.appendChild(title);
  head.appendChild(close);

  var log = el("div", "ecc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "会話の履歴");
  log.tabIndex = 0;

  var form = el("form", "ecc-form");
  var label = el("label", "ecc-sr", "メッセージ");
  label.setAttribute("for", "ecc-input");
  var row = el("div", "ecc-row");
  var input = el("textarea", "ecc-input");
  input.id = "ecc-input";
  input.rows = 2;
  input.maxLength = cfg.maxLength;
  input.placeholder = "ご質問を入力してください（Enterで送信、Shift+Enterで改行）";
  input.setAttribute("aria-describedby", "ecc-count");
  var send = el("button", "ecc-send", "送信");
  send.type = "submit";
  send.style.background = cfg.color;
  send.style.color = cfg.textColor;
  var count = el("div", "ecc-count");
  count.id = "ecc-count";
  count.setAttribute("aria-live", "polite");
  row.appendChild(input);
  row.appendChild(send);
  form.appendChild(label);
  form.appendChild(row);
  form.appendChild(count);

  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(form);
  document.body.appendChild(launcher);
  document.body.appendChild(panel);

  var URL_RE = /(https?:\/\/[^\s<>"'）)]+)/g;
  function renderText(node, text) {
    var last = 0;
    text.replace(URL_RE, function (url, _m, offset) {
      node.appendChild(document.createTextNode(text.slice(last, offset)));
      var a = el("a", "", url);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      node.appendChild(a);
      last = offset + url.length;
      return url;
    });
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderMessage(message) {
    var who = message.from === "user" ? "ecc-user" : "ecc-bot";
    var bubble = el("div", "ecc-msg " + who);
    var sr = el("span", "ecc-sr", message.from === "user" ? "あなた: " : "案内: ");
    bubble.appendChild(sr);
    renderText(bubble, message.text || "");
    log.appendChild(bubble);
    if (message.buttons && message.buttons.length) {
      var group = el("div", "ecc-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "選択肢");
      message.buttons.forEach(function (b) {
        var link = /^https?:\/\//.test(b.payload || "");
        // A link button (the calendar file) downloads; any other sends its payload.
        var choice = el(link ? "a" : "button", "ecc-choice", b.title);
        if (link) {
          choice.href = b.payload;
          choice.setAttribute("download", "");
          choice.rel = "noopener noreferrer";
        } else {
          choice.type = "button";
          choice.addEventListener("click", function () { submit(b.payload, b.title); });
        }
        choice.style.borderColor = cfg.color;
        choice.style.color = cfg.color;
        group.appendChild(choice);
      });
      log.appendChild(group);
    }
  }

  function renderAll() {
    log.textContent = "";
    state.messages.forEach(renderMessage);
    log.scrollTop = log.scrollHeight;
  }

  function add(message) {
    state.messages.push(message);
    if (state.messages.length > 200) { state.messages = state.messages.slice(-200); }
    save();
    renderMessage(message);
    log.scrollTop = log.scrollHeight;
  }

  var typing = null;
  function showTyping(on) {
    if (on && !typing) {
      typing = el("div", "ecc-typing", "入力中…");
      typing.setAttribute("aria-label", "回答を準備しています");
      log.appendChild(typing);
      log.scrollTop = log.scrollHeight;
    } else if (!on && typing) {
      typing.remove();
      typing = null;
    }
  }

  function showError(payload, shown) {
    var box = el("div", "ecc-error");
    box.setAttribute("role", "alert");
    box.appendChild(document.createTextNode(
      "接続できませんでした。時間をおいてもう一度お試しください。お急ぎの方は市民課（0826-42-5616）へお電話ください。"));
    var retry = el("button", "", "再送信");
    retry.type = "button";
    retry.addEventListener("click", function () {
      box.remove();
      deliver(payload, shown);
    });
    box.appendChild(retry);
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
    retry.focus();
  }

  var busy = false;
  function deliver(payload) {
    busy = true;
    send.disabled = true;
    showTyping(true);
    fetch(cfg.rasaUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: payload })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (answers) {
      showTyping(false);
      (answers || []).forEach(function (a) {
        add({ from: "bot", text: a.text || "", buttons: a.buttons || [] });
      });
    }).catch(function () {
      showTyping(false);
      showError(payload);
    }).then(function () {
      busy = false;
      send.disabled = false;
    });
  }

  function submit(payload, shown) {
    if (busy || !state.sender) { return; }
    var text = (shown || payload || "").trim();
    if (!text) { return; }
    add({ from: "user", text: text });
    deliver(payload.trim());
  }

  function updateCount() {
    var n = input.value.length;
    count.textContent = n + " / " + cfg.maxLength + " 文字";
    count.className = "ecc-count" + (n >= cfg.maxLength ? " ecc-over" : "");
  }

  function open() {
    state.open = true;
    save();
    panel.hidden = false;
    launcher.hidden = true;
    if (!state.sender) {
      if (!log.querySelector(".ecc-error")) {
        var box = el("div", "ecc-error", NO_CRYPTO);
        box.setAttribute("role", "alert");
        log.appendChild(box);
      }
      input.disabled = true;
      send.disabled = true;
      close.focus();
      return;
    }
    if (!state.messages.length) {
      add({ from: "bot", text: "こんにちは。マイナンバーカードの電子証明書の発行・更新についてお答えします。ご質問を入力してください。",
            buttons: [{ title: "自分の有効期限を調べる", payload: "/check_expiry" },
                      { title: "更新の持ち物", payload: "/faq/what_to_bring" },
                      { title: "手続きの場所", payload: "/faq/where" }] });
    }
    input.focus();
  }
  function shut() {
    state.open = false;
    save();
    panel.hidden = true;
    launcher.hidden = false;
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { shut(); }
  });
  input.addEventListener("input", updateCount);
  input.addEventListener("keydown", function (e) {
    // Enter that confirms an IME conversion (isComposing, or keyCode 229 in older
    // browsers) must not send; Shift+Enter inserts a line break.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.slice(0, cfg.maxLength);
    if (!text.trim() || busy) { return; }
    input.value = "";
    updateCount();
    submit(text);
  });

  updateCount();
  renderAll();
  if (state.open) { panel.hidden = false; launcher.hidden = true; }
})();
