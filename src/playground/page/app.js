// The playground page: plays the Telegram apps of a customer and of staff in
// their group. It reads the world from /api/state, follows its changes over
// server-sent events (/api/events), and writes and presses buttons through
// /api/send and /api/press. No framework: the lists are short and re-rendered.

const $ = (id) => document.getElementById(id);

const view = {
  state: null,
  customerId: 0,
  staffId: 0,
  /** the Telegram app language of each customer, as chosen on the page */
  languages: new Map(),
  replyTo: null,
};

async function call(path, body) {
  const res = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

function customerLang() {
  return view.languages.get(view.customerId) ?? "en";
}

const STATUS_TEXT = {
  starting: "Starting the bot…",
  ready: "Bot running",
  resetting: "Resetting: wiping the playground's database…",
  failed: "The bot stopped: see the terminal",
};

function showStatus(status) {
  const el = $("status");
  el.textContent = STATUS_TEXT[status] ?? status;
  el.dataset.status = status;
}

let toastTimer;
function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 3000);
}

function time(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Text with /commands made clickable, as Telegram apps do. */
function richText(text, pane) {
  const frag = document.createDocumentFragment();
  const re = /(^|\s)(\/[a-z0-9_]{1,32})(?=$|[\s.,;:!?)])/gi;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const start = m.index + m[1].length;
    frag.append(text.slice(last, start));
    const b = document.createElement("button");
    b.type = "button";
    b.className = "command";
    b.textContent = m[2];
    b.addEventListener("click", () => send(pane, m[2]));
    frag.append(b);
    last = start + m[2].length;
  }
  frag.append(text.slice(last));
  return frag;
}

function renderMessage(m, pane) {
  const me = pane === "customer" ? view.customerId : view.staffId;
  const li = document.createElement("li");
  li.className = `message${m.from.is_bot ? " bot" : ""}${m.from.id === me ? " mine" : ""}`;
  li.dataset.messageId = String(m.message_id);
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (pane === "staff" || m.from.is_bot) {
    const who = document.createElement("span");
    who.className = "sender";
    who.textContent = m.from.first_name;
    bubble.append(who);
  }
  if (m.reply_to_message) {
    const q = document.createElement("span");
    q.className = "quote";
    q.textContent = `${m.reply_to_message.from.first_name}: ${m.reply_to_message.text}`;
    bubble.append(q);
  }
  for (const size of (m.photo ?? []).slice(-1)) {
    const img = document.createElement("img");
    img.className = "photo";
    img.src = `/api/file?id=${encodeURIComponent(size.file_id)}`;
    img.width = size.width;
    img.height = size.height;
    img.alt = "Photo";
    bubble.append(img);
  }
  const text = document.createElement("span");
  text.className = "text";
  text.append(richText(m.text, pane));
  bubble.append(text);
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = `${m.edit_date ? "edited " : ""}${time(m.edit_date ?? m.date)}`;
  if (pane === "staff" && m.from.is_bot) {
    // In a group the bot (privacy mode) reads only commands and replies to it.
    const r = document.createElement("button");
    r.type = "button";
    r.className = "reply-to";
    r.textContent = "Reply";
    r.setAttribute("aria-label", "Reply to this message");
    r.addEventListener("click", () => startReply(m));
    meta.append(r);
  }
  bubble.append(meta);
  li.append(bubble);
  const rows = m.reply_markup?.inline_keyboard ?? [];
  if (rows.length > 0) {
    const kb = document.createElement("div");
    kb.className = "keyboard";
    kb.setAttribute("role", "group");
    kb.setAttribute("aria-label", "Message buttons");
    for (const row of rows) {
      const r = document.createElement("div");
      r.className = "row";
      for (const button of row) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = button.text;
        b.dataset.callback = button.callback_data ?? "";
        b.addEventListener("click", () => press(pane, m, button, b));
        r.append(b);
      }
      kb.append(r);
    }
    li.append(kb);
  }
  return li;
}

function chatOf(pane) {
  return pane === "customer" ? view.customerId : view.state.staffGroup.id;
}

function render(pane) {
  if (view.state === null) return;
  const list = $(`${pane}-messages`);
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const messages = view.state.messages[chatOf(pane)] ?? [];
  list.replaceChildren(...messages.map((m) => renderMessage(m, pane)));
  $(`${pane}-hint`).hidden = messages.length > 0;
  if (atBottom || list.dataset.rendered !== "yes") list.scrollTop = list.scrollHeight;
  list.dataset.rendered = "yes";
}

function renderAll() {
  render("customer");
  render("staff");
}

async function send(pane, text) {
  const chatId = chatOf(pane);
  const userId = pane === "customer" ? view.customerId : view.staffId;
  const lang = pane === "customer" ? customerLang() : "en";
  const replyTo = pane === "staff" && view.replyTo !== null ? view.replyTo : undefined;
  try {
    await call("/api/send", { chatId, userId, lang, text, replyTo });
    if (pane === "staff") stopReply();
  } catch (e) {
    toast(`Not sent: ${e.message}`);
  }
}

/**
 * A photo to send as evidence: a made-up screenshot of an order page, drawn
 * here so that the playground needs no files of its own.
 */
function drawScreenshot() {
  const canvas = document.createElement("canvas");
  canvas.width = 360;
  canvas.height = 220;
  const g = canvas.getContext("2d");
  g.fillStyle = "#f4f6f8";
  g.fillRect(0, 0, 360, 220);
  g.fillStyle = "#2b5278";
  g.fillRect(0, 0, 360, 44);
  g.fillStyle = "#fff";
  g.font = "bold 18px sans-serif";
  g.fillText("My orders", 16, 28);
  g.fillStyle = "#222";
  g.font = "15px sans-serif";
  const order = 10000 + Math.floor(Math.random() * 90000);
  g.fillText(`Order #${order} · one-time number`, 16, 80);
  g.fillText("SMS: not received", 16, 110);
  g.fillText(`Paid: 2.50 EUR · ${new Date().toISOString().slice(0, 10)}`, 16, 140);
  g.fillStyle = "#c0392b";
  g.fillText("Status: code not delivered", 16, 175);
  return {
    png: canvas.toDataURL("image/png").split(",")[1],
    width: canvas.width,
    height: canvas.height,
  };
}

async function sendPhoto() {
  try {
    await call("/api/photo", {
      chatId: view.customerId,
      userId: view.customerId,
      lang: customerLang(),
      ...drawScreenshot(),
    });
  } catch (e) {
    toast(`Not sent: ${e.message}`);
  }
}

const busy = new Map();
async function press(pane, m, button, el) {
  const userId = pane === "customer" ? view.customerId : view.staffId;
  const lang = pane === "customer" ? customerLang() : "en";
  el.setAttribute("aria-busy", "true");
  try {
    const { queryId } = await call("/api/press", {
      chatId: m.chat.id,
      messageId: m.message_id,
      userId,
      lang,
      data: button.callback_data,
    });
    busy.set(queryId, el);
    // Telegram apps give up waiting for an answer after a while.
    setTimeout(() => el.removeAttribute("aria-busy"), 10_000);
  } catch (e) {
    el.removeAttribute("aria-busy");
    toast(e.message);
  }
}

function startReply(m) {
  view.replyTo = m.message_id;
  const box = document.querySelector("#staff-form .replying");
  box.querySelector("span").textContent = `Replying to: ${m.text.slice(0, 80)}`;
  box.hidden = false;
  document.querySelector("#staff-form input").focus();
}

function stopReply() {
  view.replyTo = null;
  document.querySelector("#staff-form .replying").hidden = true;
}

async function loadMenu(pane) {
  const lang = pane === "customer" ? customerLang() : "en";
  const commands = await call(`/api/menu?chatId=${chatOf(pane)}&lang=${lang}`);
  const menu = $(`${pane}-menu`);
  menu.replaceChildren(
    ...commands.map((c) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      const name = document.createElement("b");
      name.textContent = `/${c.command}`;
      b.append(name, c.description);
      b.addEventListener("click", () => {
        closeMenu(pane);
        send(pane, `/${c.command}`);
      });
      li.append(b);
      return li;
    }),
  );
  document.querySelector(`#${pane}-form .menu-button`).hidden = commands.length === 0;
}

function closeMenu(pane) {
  $(`${pane}-menu`).hidden = true;
  document.querySelector(`#${pane}-form .menu-button`).setAttribute("aria-expanded", "false");
}

function setUpComposer(pane) {
  const hint = $(`${pane}-hint`);
  hint.replaceChildren(richText(hint.textContent, pane));
  const form = $(`${pane}-form`);
  const input = form.querySelector("input");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (text === "") return;
    input.value = "";
    send(pane, text);
  });
  form.querySelector(".photo-button")?.addEventListener("click", () => sendPhoto());
  const menuButton = form.querySelector(".menu-button");
  menuButton.addEventListener("click", () => {
    const menu = $(`${pane}-menu`);
    menu.hidden = !menu.hidden;
    menuButton.setAttribute("aria-expanded", String(!menu.hidden));
    if (!menu.hidden) menu.querySelector("button")?.focus();
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeMenu(pane);
  });
}

const typingTimers = {};
function showTyping(chatId) {
  for (const pane of ["customer", "staff"]) {
    if (chatOf(pane) !== chatId) continue;
    const el = $(`${pane}-typing`);
    el.hidden = false;
    clearTimeout(typingTimers[pane]);
    // Telegram shows a chat action for five seconds or until the next message.
    typingTimers[pane] = setTimeout(() => {
      el.hidden = true;
    }, 5000);
  }
}

function hideTyping(chatId) {
  for (const pane of ["customer", "staff"]) {
    if (chatOf(pane) === chatId) $(`${pane}-typing`).hidden = true;
  }
}

function onEvent(e) {
  const s = view.state;
  if (s === null) return;
  switch (e.type) {
    case "message": {
      const list = s.messages[e.message.chat.id] ?? [];
      list.push(e.message);
      s.messages[e.message.chat.id] = list;
      if (e.message.from.is_bot) hideTyping(e.message.chat.id);
      renderAll();
      break;
    }
    case "edited": {
      const list = s.messages[e.message.chat.id] ?? [];
      const i = list.findIndex((m) => m.message_id === e.message.message_id);
      if (i >= 0) list[i] = e.message;
      renderAll();
      break;
    }
    case "deleted": {
      const list = s.messages[e.chatId] ?? [];
      s.messages[e.chatId] = list.filter((m) => m.message_id !== e.messageId);
      renderAll();
      break;
    }
    case "answered": {
      busy.get(e.queryId)?.removeAttribute("aria-busy");
      busy.delete(e.queryId);
      if (e.text) toast(e.text);
      break;
    }
    case "action":
      showTyping(e.chatId);
      break;
    case "commands":
      loadMenu("customer");
      loadMenu("staff");
      break;
    case "reset":
      load();
      break;
    case "status":
      s.status = e.status;
      showStatus(e.status);
      break;
  }
}

function fillSelect(select, options, selected) {
  select.replaceChildren(
    ...options.map(([value, label]) => {
      const o = document.createElement("option");
      o.value = String(value);
      o.textContent = label;
      o.selected = value === selected;
      return o;
    }),
  );
}

async function load() {
  const s = await call("/api/state");
  view.state = s;
  if (view.customerId === 0) {
    view.customerId = s.customers[0].id;
    view.staffId = s.staff[0].id;
    for (const c of s.customers) view.languages.set(c.id, c.language);
  }
  fillSelect(
    $("customer"),
    s.customers.map((c) => [c.id, c.firstName]),
    view.customerId,
  );
  fillSelect(
    $("staff"),
    s.staff.map((p) => [p.id, p.firstName]),
    view.staffId,
  );
  fillSelect(
    $("language"),
    s.languages.map((l) => [l, l]),
    customerLang(),
  );
  $("customer-title").textContent = `${s.bot.name} — private chat`;
  $("staff-title").textContent = s.staffGroup.title;
  showStatus(s.status);
  stopReply();
  renderAll();
  await Promise.all([loadMenu("customer"), loadMenu("staff")]);
}

function connect() {
  const events = new EventSource("/api/events");
  events.onmessage = (m) => onEvent(JSON.parse(m.data));
  // After a dropped stream the page reloads the whole state: nothing is missed.
  events.onopen = () => load();
  events.onerror = () => showStatus("reconnecting…");
}

$("customer").addEventListener("change", (e) => {
  view.customerId = Number(e.target.value);
  fillSelect(
    $("language"),
    view.state.languages.map((l) => [l, l]),
    customerLang(),
  );
  $("customer-messages").dataset.rendered = "";
  render("customer");
  loadMenu("customer");
});
$("language").addEventListener("change", (e) => {
  view.languages.set(view.customerId, e.target.value);
  loadMenu("customer");
});
$("staff").addEventListener("change", (e) => {
  view.staffId = Number(e.target.value);
  render("staff");
});
$("reset").addEventListener("click", async () => {
  const question =
    "Reset the playground? The bot's database and every chat are deleted, then the bot starts afresh.";
  if (!confirm(question)) return;
  const button = $("reset");
  button.disabled = true;
  showStatus("resetting");
  try {
    await call("/api/reset", {});
  } catch (e) {
    toast(`Reset failed: ${e.message}`);
  } finally {
    button.disabled = false;
  }
});
document.querySelector("#staff-form .cancel-reply").addEventListener("click", stopReply);
setUpComposer("customer");
setUpComposer("staff");
connect();
