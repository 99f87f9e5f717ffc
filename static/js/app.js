// Small behaviours that keep templates free of inline script (our CSP forbids it).
document.addEventListener("change", (event) => {
  // The language switcher applies the choice at once; without JS a button does.
  const form = event.target.closest(".js-language-form");
  if (form) form.submit();
});

// A visit typed on a phone between meetings is never lost: the form keeps a
// draft in this browser until the server says it is saved. The draft holds the
// form's one-time key (create_key, core/idempotency.py), so sending it again, after
// a failed answer or later from an offline queue, shows the visit made, not a second.
const CREATE_KEY = "create_key";
const DRAFT = "kam-draft:";

// Offline visit logging (issue 20): with no connection the visit form is kept in this browser's
// queue instead of being sent, and the queue sends itself when the connection returns. Each
// entry keeps its one-time key, so a resend after a lost answer shows the visit made instead of
// making a second; a visit the server refuses (a signed-off month) stays here with its message
// and everything typed. Entries belong to the user who queued them: another login on the same
// phone neither sees nor sends them. The texts come translated from templates/pwa/_queue.html.
const QUEUE = "kam-queue";
const newKey = () => {
  if (window.crypto?.randomUUID) return crypto.randomUUID();  // secure contexts only
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
// Now as a datetime-local input writes it: a form kept by the service worker days ago would
// otherwise offer the time it was first opened.
// In the site's time zone, as the server fills the field (templates/pwa/_queue.html names it).
const localNow = () => {
  const zone = document.querySelector(".js-queue")?.dataset.tz;
  try {
    return new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date()).replace(" ", "T");
  } catch (e) {
    const now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
};
window.kamLocalNow = localNow;
const queue = (() => {
  const box = document.querySelector(".js-queue");
  const user = box?.dataset.user;
  const text = (name, n) => (box?.dataset[name] || "").replace("__n__", n);
  const all = () => { try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; } };
  const save = (entries) => localStorage.setItem(QUEUE, JSON.stringify(entries));
  const mine = () => all().filter((e) => e.user === user);
  const update = (key, change) => save(all().map((e) => (e.key === key ? { ...e, ...change } : e)));
  const remove = (key) => save(all().filter((e) => e.key !== key));
  const csrf = () => {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  };

  const show = () => {
    if (!box) return;
    const entries = mine();
    box.classList.toggle("d-none", entries.length === 0);
    box.querySelector(".js-queue-count").textContent = text(entries.length === 1 ? "one" : "many", entries.length);
    const list = box.querySelector(".js-queue-list");
    const item = box.querySelector(".js-queue-item");
    list.replaceChildren(...entries.map((entry) => {
      const li = item.content.firstElementChild.cloneNode(true);
      li.dataset.key = entry.key;
      li.querySelector(".js-item-account").textContent = entry.account;
      li.querySelector(".js-item-when").textContent = entry.when.replace("T", " ");
      li.querySelector(".js-item-summary").textContent = entry.summary;
      li.querySelector(".js-item-message").textContent = entry.message || "";
      li.querySelector(".js-item-open").classList.toggle("d-none", !entry.refused);
      return li;
    }));
  };

  const add = (form) => {
    const fields = Array.from(new FormData(form).entries()).filter(([, v]) => typeof v === "string");
    const value = (name) => fields.find(([n]) => n === name)?.[1] || "";
    const account = form.elements.account;
    const entries = all();
    entries.push({
      key: value(CREATE_KEY), user, url: form.action || window.location.href, draftKey: form.dataset.draftKey,
      fields, account: account?.selectedOptions?.[0]?.textContent.trim() || "", when: value("occurred_at"),
      summary: value("summary"), message: "", refused: false,
    });
    save(entries);
    show();
  };

  // The page the server answered: a redirect to the visit (saved, or saved before under this key),
  // the login page (the session ended), or the form again with its errors next to the fields.
  const sendOne = async (entry) => {
    const body = new FormData();
    entry.fields.forEach(([name, v]) => body.append(name, name === "csrfmiddlewaretoken" ? csrf() : v));
    const response = await fetch(entry.url, { method: "POST", body, credentials: "same-origin" });
    const landed = new URL(response.url).pathname;
    if (response.redirected && landed.startsWith("/login/")) return { keep: true, message: text("login") };
    if (response.ok && response.redirected) return { sent: true };
    if (!response.ok) return { keep: true, message: text("failed") };
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const form = page.querySelector("form[data-draft-key]") || page;
    const errors = Array.from(form.querySelectorAll(".invalid-feedback, .alert-danger"), (el) => el.textContent.trim());
    return { refused: true, message: [...new Set(errors.filter(Boolean))].join(" ") || text("failed") };
  };

  let sending = false;
  const flush = async () => {
    if (sending || !navigator.onLine || !box) return;
    sending = true;
    let sent = 0;
    try {
      for (const entry of mine().filter((e) => !e.refused)) {
        let result;
        try { result = await sendOne(entry); } catch (e) { break; }  // no connection after all
        if (result.sent) { remove(entry.key); sent += 1; } else update(entry.key, result);
        if (result.keep) break;
      }
    } finally {
      sending = false;
      show();
    }
    if (sent) {
      const note = document.querySelector(".js-queue-sent");
      note.textContent = text(sent === 1 ? "sentOne" : "sentMany", sent);
      note.classList.remove("d-none");
    }
  };

  box?.addEventListener("click", (event) => {
    const li = event.target.closest("li[data-key]");
    if (event.target.closest(".js-queue-send")) flush();
    else if (li && event.target.closest(".js-item-discard")) {
      if (window.confirm(text("discard"))) { remove(li.dataset.key); show(); }
    } else if (li && event.target.closest(".js-item-open")) {
      // Back into its form as a draft (the draft code below restores it, key and all).
      const entry = all().find((e) => e.key === li.dataset.key);
      const data = {};
      entry.fields.forEach(([name, v]) => { if (name !== "csrfmiddlewaretoken") (data[name] = data[name] || []).push(v); });
      localStorage.setItem(DRAFT + entry.draftKey, JSON.stringify(data));
      remove(entry.key);
      window.location.href = entry.url;
    }
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  show();
  if (mine().some((e) => !e.refused)) flush();
  return { add, show, remove, has: (key) => all().some((e) => e.key === key), text };
})();
// The page after a save names the key it saved (partials/messages.html): that draft is done.
document.querySelectorAll("[data-saved-key]").forEach((el) => {
  Object.keys(localStorage).filter((k) => k.startsWith(DRAFT)).forEach((k) => {
    try {
      if ((JSON.parse(localStorage.getItem(k))[CREATE_KEY] || [])[0] === el.dataset.savedKey) localStorage.removeItem(k);
    } catch (e) { localStorage.removeItem(k); }
  });
  if (queue.has(el.dataset.savedKey)) { queue.remove(el.dataset.savedKey); queue.show(); }
});
document.querySelectorAll("form[data-draft-key]").forEach((form) => {
  const key = DRAFT + form.dataset.draftKey;
  const keyField = form.elements[CREATE_KEY];
  // The check-in's hidden fields are kept too: a visit reopened from the queue keeps its check-in.
  const fields = () => Array.from(form.elements).filter((el) => el.name && el.type !== "submit"
    && (el.type !== "hidden" || el.classList.contains("js-checkin")));
  // A page opened offline is the copy the service worker kept: its key may be queued already.
  if (keyField && queue.has(keyField.value)) keyField.value = newKey();
  let saved = localStorage.getItem(key);
  try { if (saved && queue.has((JSON.parse(saved)[CREATE_KEY] || [])[0])) saved = null; } catch (e) { saved = null; }
  const banner = document.querySelector(".js-draft-restored");
  // Restore only into a fresh form: after a failed submit the server already re-rendered what was typed.
  const fresh = !form.querySelector(".is-invalid, .alert-danger");
  if (keyField && fresh && !saved && !navigator.onLine && form.elements.occurred_at) {
    form.elements.occurred_at.value = localNow();  // the phone's copy of the form, opened offline
  }
  if (saved && fresh) {
    const data = JSON.parse(saved);
    fields().forEach((el) => {
      if (!(el.name in data)) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = data[el.name].includes(el.value);
      else el.value = data[el.name][0];
    });
    if (keyField && data[CREATE_KEY]) keyField.value = data[CREATE_KEY][0];
    if (banner) banner.classList.remove("d-none");
    if (data.sent) document.querySelector(".js-draft-sent")?.classList.remove("d-none");
  }
  const store = (sent) => {
    const data = {};
    fields().forEach((el) => {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      (data[el.name] = data[el.name] || []).push(el.value);
    });
    if (keyField) data[CREATE_KEY] = [keyField.value];
    if (sent) data.sent = true;
    localStorage.setItem(key, JSON.stringify(data));
  };
  form.addEventListener("input", () => store(false));
  form.addEventListener("change", () => store(false));
  // With a key the draft stays until the saved page confirms it; without one (an edit) it goes now.
  form.addEventListener("submit", (event) => {
    if (keyField && !navigator.onLine && "offlineQueue" in form.dataset) {
      // No connection: into the queue, and the form is ready for the next visit with a new key.
      event.preventDefault();
      queue.add(form);
      localStorage.removeItem(key);
      form.reset();
      keyField.value = newKey();
      if (form.elements.occurred_at) form.elements.occurred_at.value = localNow();
      const note = document.querySelector(".js-queue-sent");
      note.textContent = queue.text("queued");
      note.classList.remove("d-none");
      window.scrollTo(0, 0);
      return;
    }
    if (keyField) store(true);
    else localStorage.removeItem(key);
  });
  document.querySelector(".js-draft-discard")?.addEventListener("click", () => {
    localStorage.removeItem(key);
    window.location.reload();
  });
});

// "Copy link": the calendar-feed URL goes to the clipboard; where the clipboard API
// is not allowed (plain http), the text is selected so that Ctrl-C copies it.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".js-copy");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const done = () => document.querySelector(".js-copied")?.classList.remove("d-none");
  field.select();
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, done);
  else { document.execCommand("copy"); done(); }
});
// The plan's print view: a button instead of an inline onclick (CSP).
document.querySelectorAll(".js-print").forEach((button) => button.addEventListener("click", () => window.print()));

// The plan's goal form shows only the measure the chosen kind needs; without JS all stay visible.
const goalKind = document.querySelector("select#id_kind");
if (goalKind && document.getElementById("id_target_amount")) {
  const measure = { revenue: "target_amount", product: "target_text", relationship: "target_style",
                    coverage: "target_count", tier: "target_tier", other: "target_text" };
  const fields = ["target_amount", "target_count", "target_style", "target_tier", "target_text"];
  const show = () => fields.forEach((name) => {
    const wanted = measure[goalKind.value];
    document.getElementById("div_id_" + name)?.classList.toggle("d-none", Boolean(wanted) && wanted !== name);
  });
  goalKind.addEventListener("change", show);
  show();
}

// Foldable panels: open in the HTML (so that without JavaScript nothing is hidden), folded at
// load on a phone, where the account page would otherwise be thousands of pixels long.
if (window.matchMedia("(max-width: 991.98px)").matches) {
  document.querySelectorAll("details.js-fold-on-phone").forEach((panel) => panel.removeAttribute("open"));
}

// The installable app: the service worker (pwa/, served at the site's root) keeps the app shell
// and the visit form for a weak signal. Logging out empties the kept pages: they hold the
// accounts of whoever was logged in.
if ("serviceWorker" in navigator && document.body.dataset.sw) {
  navigator.serviceWorker.register(document.body.dataset.sw, { scope: "/" }).catch(() => {});
}
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[action$='/logout/']") || !window.caches || form.dataset.emptied) return;
  event.preventDefault();
  const go = () => { form.dataset.emptied = "1"; form.submit(); };
  caches.delete("kam-pages").then(go, go);
});

// The account list's people picker (templates/accounts/account_list.html, issue 19): the owner
// select holds only the person chosen; a name picked from the results becomes the filter at once.
document.querySelectorAll(".js-owner-search").forEach((search) => {
  const form = search.closest("form");
  search.addEventListener("click", (event) => {
    const choice = event.target.closest(".js-pick-owner");
    if (!choice || !form) return;
    const select = form.elements.owner;
    if (![...select.options].some((option) => option.value === choice.dataset.owner)) {
      select.add(new Option(choice.textContent.trim(), choice.dataset.owner));
    }
    select.value = choice.dataset.owner;
    form.elements.owner_name.value = "";
    form.requestSubmit();
  });
});

// The visit form's account picker (templates/visits/_account_search.html): type part of a name,
// tap the account; the select (the picker without JS) takes it, and its change loads the contacts.
document.querySelectorAll(".js-account-search").forEach((search) => {
  search.classList.remove("d-none");
  const select = search.closest("form")?.elements.account;
  search.addEventListener("click", (event) => {
    const choice = event.target.closest(".js-pick-account");
    if (!choice || !select) return;
    select.value = choice.dataset.account;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    search.querySelector("input").value = "";
    search.querySelector("#account-results").replaceChildren();
    select.focus();
  });
});

// A select of a large set (core/widgets.py SearchSelect): the page holds only the chosen option;
// type part of a name, tap a result, and the select takes it (added if it was not there).
document.querySelectorAll(".js-search-select").forEach((picker) => {
  const select = document.getElementById(picker.dataset.select);
  const box = picker.querySelector(".js-search-select-box");
  if (!select || !box) return;
  box.classList.remove("d-none");
  box.addEventListener("click", (event) => {
    const choice = event.target.closest(".js-pick-option");
    if (!choice) return;
    let option = [...select.options].find((o) => o.value === choice.dataset.value);
    if (!option) {
      option = new Option(choice.firstChild.textContent.trim(), choice.dataset.value);
      select.add(option);
    }
    option.selected = true;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    box.querySelector("input").value = "";
    box.querySelector(".list-group").replaceChildren();
    select.focus();
  });
});

// On-site check-in (issue 20, templates/visits/_check_in.html): the position is read once, when the
// person taps "Check in here", and the browser asks their leave before the first time. Refused or
// not found, the visit is saved all the same, without one. The fields are plain form fields, so the
// offline queue carries a check-in made without a signal (GPS needs none).
const positionOnce = (onPosition, onError) => navigator.geolocation.getCurrentPosition(
  onPosition, onError, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
const pointValues = (prefix, position) => ({
  [`${prefix}_latitude`]: position.coords.latitude.toFixed(6),
  [`${prefix}_longitude`]: position.coords.longitude.toFixed(6),
  [`${prefix}_accuracy_m`]: Math.round(position.coords.accuracy),
  [`${prefix}_at`]: new Date(position.timestamp || Date.now()).toISOString(),
});
document.querySelectorAll(".js-check-in").forEach((box) => {
  const form = box.closest("form");
  const channel = form.elements.channel;
  const status = box.querySelector(".js-check-in-status");
  const button = box.querySelector(".js-check-in-button");
  const clear = box.querySelector(".js-check-in-clear");
  const hint = status.textContent;
  const names = ["checkin_latitude", "checkin_longitude", "checkin_accuracy_m", "checkin_at"];
  const set = (values) => names.forEach((name) => { form.elements[name].value = values[name] ?? ""; });
  const shown = () => {
    const at = form.elements.checkin_at.value;
    clear.classList.toggle("d-none", !at);
    if (!at) return;
    const time = new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    status.textContent = box.dataset.done.replace("__time__", time)
      .replace("__accuracy__", form.elements.checkin_accuracy_m.value);
  };
  const toggle = () => box.classList.toggle("d-none", channel?.value !== "on_site" || !navigator.geolocation);
  channel?.addEventListener("change", toggle);
  toggle();
  shown();
  button.addEventListener("click", () => {
    status.textContent = box.dataset.waiting;
    button.disabled = true;
    positionOnce((position) => {
      set(pointValues("checkin", position));
      button.disabled = false;
      shown();
      form.dispatchEvent(new Event("change"));  // into the draft
    }, (error) => {
      set({});
      button.disabled = false;
      clear.classList.add("d-none");
      status.textContent = error.code === error.PERMISSION_DENIED ? box.dataset.denied : box.dataset.unavailable;
    });
  });
  clear.addEventListener("click", () => { set({}); clear.classList.add("d-none"); status.textContent = hint; });
  // After a visit goes into the offline queue the form is reset for the next one: so is its check-in
  // (a hidden field keeps its value through reset()).
  form.addEventListener("reset", () => { set({}); clear.classList.add("d-none"); status.textContent = hint; });
});
document.querySelectorAll(".js-check-out").forEach((form) => {
  if (!navigator.geolocation) return;
  form.classList.remove("d-none");
  const status = form.querySelector(".js-check-out-status");
  form.querySelector(".js-check-out-button").addEventListener("click", (event) => {
    event.target.disabled = true;
    positionOnce((position) => {
      Object.entries(pointValues("checkout", position)).forEach(([name, v]) => { form.elements[name].value = v; });
      form.submit();
    }, (error) => {
      event.target.disabled = false;
      status.textContent = error.code === error.PERMISSION_DENIED ? form.dataset.denied : form.dataset.unavailable;
    });
  });
});

// Photos are made smaller on the phone before they are sent (issue 20): a camera's 12-megapixel
// picture becomes about 1600 px on its long side, a few hundred kB over a weak signal. Drawn
// through createImageBitmap and a canvas (no blob: URL, which our CSP would refuse); what cannot
// be drawn (a PDF, a GIF, a file that only claims to be a photo) goes as it is, and the server judges.
const PHOTO_SIDE = 1600;
const downscale = async (file) => {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size < 1500000) return file;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";  // a transparent PNG would turn black as a JPEG
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return blob ? new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" }) : file;
  } catch (e) {
    return file;
  }
};
document.querySelectorAll("input[type=file].js-downscale").forEach((input) => {
  input.addEventListener("change", async () => {
    if (!window.DataTransfer || !input.files.length) return;
    const form = input.form;
    const submit = form?.querySelector("[type=submit]");
    if (submit) submit.disabled = true;
    input.dataset.busy = "1";
    try {
      const smaller = await Promise.all(Array.from(input.files, downscale));
      const transfer = new DataTransfer();
      smaller.forEach((file) => transfer.items.add(file));
      input.files = transfer.files;
    } finally {
      delete input.dataset.busy;
      if (submit) submit.disabled = false;
    }
  });
});

// Another account chosen: the overlap warning was about the last one's contacts (K-24).
document.addEventListener("change", (event) => {
  if (event.target.matches("form[data-draft-key] select[name=account]")) {
    document.getElementById("overlap-warning")?.replaceChildren();
  }
});

// --- The account 360 (issue 23) ---------------------------------------------------------------
// A destructive form asks first (a comment's delete, a saved view's).
document.addEventListener("submit", (event) => {
  const text = event.target.dataset?.confirm;
  if (text && !window.confirm(text)) event.preventDefault();
});

// "/" opens the global search from anywhere but a field being typed in.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  const box = document.getElementById("global-search");
  if (typing || !box) return;
  event.preventDefault();
  box.focus();
  box.select();
});

// @mentions: after "@" the colleagues who may see the thing are offered (the server filters them:
// hub.permissions.audience); choosing one writes "@username ". Reply buttons start an answer.
const mentionAt = (area) => {
  const before = area.value.slice(0, area.selectionStart);
  const match = /(?:^|[\s(])@([\w.+-]*)$/.exec(before);
  return match ? { text: match[1], start: area.selectionStart - match[1].length - 1 } : null;
};
const insertMention = (area, at, username) => {
  const after = area.value.slice(area.selectionStart);
  area.value = `${area.value.slice(0, at.start)}@${username} ${after}`;
  const caret = at.start + username.length + 2;
  area.setSelectionRange(caret, caret);
  area.focus();
};
let mentionTimer = null;
document.addEventListener("input", (event) => {
  const area = event.target.closest?.("textarea[data-mentions]");
  if (!area) return;
  const list = area.form.querySelector(".mention-options");
  const at = mentionAt(area);
  clearTimeout(mentionTimer);
  if (!at) { list.classList.add("d-none"); return; }
  mentionTimer = setTimeout(async () => {
    const answer = await fetch(`${area.dataset.mentions}?q=${encodeURIComponent(at.text)}`,
                               { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    const { people } = await answer.json();
    list.replaceChildren(...people.map((person) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action py-1";
      button.dataset.username = person.username;
      button.textContent = `${person.name} (@${person.username})`;
      button.addEventListener("click", () => {
        insertMention(area, mentionAt(area) || at, person.username);
        list.classList.add("d-none");
      });
      item.append(button);
      return item;
    }));
    list.classList.toggle("d-none", people.length === 0);
  }, 150);
});
document.addEventListener("click", (event) => {
  const reply = event.target.closest?.(".js-reply");
  if (!reply) return;
  const form = reply.closest(".card-body, main").querySelector(".comment-form");
  if (!form) return;
  form.querySelector("[name=reply_to]").value = reply.dataset.replyTo;
  const area = form.querySelector("textarea");
  if (!area.value.includes(`@${reply.dataset.replyName}`)) area.value = `@${reply.dataset.replyName} ${area.value}`;
  area.focus();
});
// "All of them" ticks or clears every box of its list (the portfolio handover).
document.addEventListener("change", (event) => {
  const all = event.target.closest?.(".js-check-all");
  if (!all) return;
  all.form.querySelectorAll(`input[name="${all.dataset.target}"]`).forEach((box) => { box.checked = all.checked; });
});
