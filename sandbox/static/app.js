// The sandbox chat page: one person at a time talks to the bot through /sandbox/api.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  users: [],
  userId: null,
  chatId: null,
  version: -1,
  seenToasts: null, // toast ids already shown; null until the first snapshot arrives
  replyTo: null,
  dismissedReply: null,
  poll: null, // AbortController of the running long poll
  rendered: new Map(), // message id -> signature of what is on screen
};

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(`/sandbox/api/${path}`, options);
  const data = await response.json();
  if (!data.ok) {
    showToast(data.error ? `操作失败：${data.error}` : "操作失败");
    throw new Error(data.error);
  }
  return data;
}

function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => { toast.hidden = true; }, 2500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
}

async function boot() {
  const data = await api("bootstrap");
  state.users = data.users;
  document.title = `${data.bot.name} · 本地沙盒`;
  $("limits-toggle").checked = data.limits_enabled;
  const select = $("user-select");
  select.innerHTML = '<option value="">— 请选择 —</option>';
  for (const user of data.users) {
    const option = document.createElement("option");
    option.value = user.id;
    option.textContent = user.name;
    select.appendChild(option);
  }
  // ?user=<id> in the address picks the person, so a link can open "as" someone.
  const wanted = new URLSearchParams(location.search).get("user")
    || localStorage.getItem("sandbox-user");
  if (wanted && data.users.some((u) => String(u.id) === wanted)) {
    select.value = wanted;
    chooseUser(Number(wanted));
  }
}

function chooseUser(userId) {
  // Another person: their earlier toasts and alerts are history, not news; and what the
  // previous person was looking at goes away with them.
  state.seenToasts = null;
  $("alert").hidden = true;
  $("toast").hidden = true;
  state.userId = userId;
  localStorage.setItem("sandbox-user", String(userId));
  openChat(userId); // a private chat's id is the user's id
}

function openChat(chatId) {
  state.chatId = chatId;
  state.version = -1;
  state.replyTo = null;
  state.rendered.clear();
  $("messages").innerHTML = "";
  restartPoll();
}

function restartPoll() {
  if (state.poll) state.poll.abort();
  const controller = new AbortController();
  state.poll = controller;
  pollLoop(controller).catch(() => {});
}

async function pollLoop(controller) {
  while (!controller.signal.aborted) {
    const query = new URLSearchParams({
      user_id: state.userId, chat_id: state.chatId, since: state.version, wait: 25,
    });
    let data;
    try {
      const response = await fetch(`/sandbox/api/view?${query}`, { signal: controller.signal });
      data = await response.json();
    } catch (error) {
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    if (controller.signal.aborted) return;
    if (data.ok) render(data);
  }
}

function render(data) {
  state.version = data.version;
  renderChats(data.chats);
  if (data.chat) {
    $("chat-title").textContent = data.chat.title;
    // Like Telegram, names above messages only in groups.
    $("messages").classList.toggle("private", data.chat.type === "private");
    renderMessages(data.messages);
    renderReplyKeyboard(data.reply_keyboard, data.keyboard_placeholder);
    renderReplyTo(data.force_reply_to);
  }
  $("block-toggle").textContent = data.user.blocked_bot ? "解除屏蔽" : "屏蔽机器人";
  $("block-toggle").dataset.blocked = data.user.blocked_bot ? "1" : "0";
  renderToasts(data.toasts);
}

function renderChats(chats) {
  const list = $("chat-list");
  list.innerHTML = "";
  for (const chat of chats) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chat-item" + (chat.id === state.chatId ? " active" : "");
    button.dataset.testid = "chat-item";
    button.dataset.chatId = chat.id;
    button.dataset.chatType = chat.type;
    button.textContent = chat.type === "private" ? `私聊 · ${chat.title}` : `群组 · ${chat.title}`;
    button.addEventListener("click", () => openChat(chat.id));
    list.appendChild(button);
  }
}

function renderMessages(messages) {
  const box = $("messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const ids = new Set(messages.map((m) => m.id));
  for (const node of [...box.children]) {
    if (!ids.has(Number(node.dataset.messageId))) {
      node.remove();
      state.rendered.delete(Number(node.dataset.messageId));
    }
  }
  let added = false;
  for (const message of messages) {
    const signature = JSON.stringify(message);
    if (state.rendered.get(message.id) === signature) continue;
    const node = buildMessage(message);
    const old = box.querySelector(`[data-message-id="${message.id}"]`);
    if (old) {
      old.replaceWith(node); // edits update the card in place
    } else {
      box.appendChild(node);
      added = true;
    }
    state.rendered.set(message.id, signature);
  }
  if (added && (nearBottom || box.children.length < 30)) box.scrollTop = box.scrollHeight;
}

function buildMessage(message) {
  const node = document.createElement("article");
  node.dataset.testid = "message";
  node.dataset.messageId = message.id;
  node.dataset.fromBot = message.is_bot ? "1" : "0";
  node.dataset.editCount = message.edit_count;
  if (message.service) {
    node.className = "msg service";
    node.textContent = message.service;
    return node;
  }
  node.className = "msg " + (message.outgoing ? "out" : "in") + (message.is_bot ? " bot" : "");
  if (!message.outgoing) appendPart(node, "div", "msg-from", message.from_name);
  if (message.photo_url) {
    const img = document.createElement("img");
    img.src = message.photo_url;
    img.alt = "图片";
    img.className = "msg-photo";
    img.dataset.testid = "message-photo";
    node.appendChild(img);
  }
  if (message.document) {
    const link = appendPart(node, "a", "msg-doc", `📄 ${message.document.name}`);
    link.href = message.document.url;
    link.target = "_blank";
  }
  const html = message.html ?? message.caption_html;
  if (html !== null && html !== undefined) {
    const text = appendPart(node, "div", "msg-text", "");
    text.dataset.testid = "message-text";
    text.innerHTML = html; // built and escaped by the server from entities
  }
  const time = new Date(message.date * 1000).toTimeString().slice(0, 5);
  appendPart(node, "div", "msg-meta", message.edit_count ? `已编辑 ${time}` : time);
  if (message.buttons.length) node.appendChild(buildInlineKeyboard(message));
  return node;
}

function appendPart(parent, tag, className, text) {
  const part = document.createElement(tag);
  part.className = className;
  part.textContent = text;
  parent.appendChild(part);
  return part;
}

function buildInlineKeyboard(message) {
  const keyboard = document.createElement("div");
  keyboard.className = "inline-keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "inline-row";
    for (const button of row) {
      const el = document.createElement("button");
      el.type = "button";
      el.className = "inline-btn";
      el.dataset.testid = "inline-button";
      if (button.data !== null) el.dataset.data = button.data;
      el.textContent = button.url ? `${button.text} ↗` : button.text;
      el.addEventListener("click", () => pressInline(message.id, button));
      line.appendChild(el);
    }
    keyboard.appendChild(line);
  }
  return keyboard;
}

async function pressInline(messageId, button) {
  if (button.url) {
    if (/t\.me\/.+\?start=/.test(button.url)) return openLink(button.url);
    window.open(button.url, "_blank", "noopener");
    return;
  }
  await api("press", {
    user_id: state.userId, chat_id: state.chatId, message_id: messageId, data: button.data,
  });
}

function renderReplyKeyboard(rows, placeholder) {
  const box = $("reply-keyboard");
  box.innerHTML = "";
  $("text-input").placeholder = placeholder || "输入消息…";
  for (const row of rows || []) {
    const line = document.createElement("div");
    line.className = "reply-row";
    for (const label of row) {
      const el = document.createElement("button");
      el.type = "button";
      el.className = "reply-btn";
      el.dataset.testid = "reply-button";
      el.textContent = label;
      el.addEventListener("click", () =>
        api("tap", { user_id: state.userId, chat_id: state.chatId, text: label }));
      line.appendChild(el);
    }
    box.appendChild(line);
  }
}

function renderReplyTo(messageId) {
  state.replyTo = messageId && messageId !== state.dismissedReply ? messageId : null;
  $("reply-to").hidden = state.replyTo === null;
}

function renderToasts(toasts) {
  const fresh = toasts.filter((t) => !(state.seenToasts && state.seenToasts.has(t.id)));
  const firstLoad = state.seenToasts === null;
  state.seenToasts = state.seenToasts || new Set();
  for (const toast of fresh) {
    state.seenToasts.add(toast.id);
    if (firstLoad || !toast.text) continue;
    if (toast.show_alert) showAlert(toast.text);
    else showToast(toast.text);
  }
}

async function sendText() {
  const input = $("text-input");
  const text = input.value;
  if (!text.trim() || state.userId === null) return;
  await api("send", {
    user_id: state.userId, chat_id: state.chatId, text, reply_to: state.replyTo,
  });
  input.value = "";
  state.replyTo = null;
  $("reply-to").hidden = true;
}

async function sendPhoto(file) {
  const form = new FormData();
  form.append("user_id", state.userId);
  form.append("chat_id", state.chatId);
  form.append("photo", file, file.name);
  const response = await fetch("/sandbox/api/send_photo", { method: "POST", body: form });
  const data = await response.json();
  if (!data.ok) showToast(`操作失败：${data.error}`);
}

async function openLink(link) {
  const data = await api("open_link", { user_id: state.userId, link });
  if (data.chat_id !== state.chatId) openChat(data.chat_id);
}

function wire() {
  $("user-select").addEventListener("change", (e) => {
    if (e.target.value) chooseUser(Number(e.target.value));
  });
  $("send-button").addEventListener("click", () => sendText().catch(() => {}));
  $("text-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      sendText().catch(() => {});
    }
  });
  $("photo-input").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (file) sendPhoto(file).finally(() => { e.target.value = ""; });
  });
  $("messages").addEventListener("click", (e) => {
    const link = e.target.closest("a.deeplink");
    if (!link) return;
    e.preventDefault(); // a deep link sends /start <code> as the current person
    openLink(link.getAttribute("href")).catch(() => {});
  });
  $("tools-toggle").addEventListener("click", () => { $("tools").hidden = !$("tools").hidden; });
  $("open-link").addEventListener("click", () => openLink($("link-input").value).catch(() => {}));
  $("block-toggle").addEventListener("click", () => api("block", {
    user_id: state.userId, blocked: $("block-toggle").dataset.blocked !== "1",
  }).catch(() => {}));
  $("limits-toggle").addEventListener("change", (e) =>
    api("limits", { enabled: e.target.checked }).catch(() => {}));
  $("reply-cancel").addEventListener("click", () => {
    state.dismissedReply = state.replyTo;
    renderReplyTo(null);
  });
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
}

wire();
boot().catch(() => showToast("无法连接沙盒服务器"));
