// Web chat: sends the citizen's messages to /api/chat and polls /api/chat/messages for later
// notifications (e.g. a petition's status). No build step, no framework.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("text");
  var sendBtn = document.getElementById("send");
  var storage = window.localStorage;
  var userId = storage.getItem("chat_user_id");
  if (!userId) {
    userId = "w-" + randomId();
    storage.setItem("chat_user_id", userId);
  }
  var lastPushId = parseInt(storage.getItem("chat_last_push") || "0", 10);
  var history = [];
  try { history = JSON.parse(storage.getItem("chat_history") || "[]"); } catch (e) { history = []; }

  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function save(entry) {
    history.push(entry);
    if (history.length > 200) { history = history.slice(-200); }
    storage.setItem("chat_history", JSON.stringify(history));
  }

  function scroll() { log.scrollTop = log.scrollHeight; }

  // New messages taller than the screen are shown from their start, not their end: a long answer
  // or a question followed by many buttons must be read from the top.
  function reveal(anchor) {
    if (!anchor) { scroll(); return; }
    var top = anchor.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop;
    log.scrollTop = Math.min(log.scrollHeight, Math.max(0, top - 8));
  }

  function codeSpan(code) {
    var span = document.createElement("span");
    span.className = "code";
    span.textContent = code;
    return span;
  }

  // A petition's code stands out where the text names it (older eyes look for it later);
  // a message about a petition that does not name it gets one line with it.
  function addBubble(kind, text, meta) {
    var div = document.createElement("div");
    div.className = "msg " + kind;
    var code = meta && meta.petition_code;
    if (code && text.indexOf(code) >= 0) {
      text.split(code).forEach(function (part, i) {
        if (i > 0) { div.appendChild(codeSpan(code)); }
        div.appendChild(document.createTextNode(part));
      });
    } else {
      div.textContent = text;
      if (code) {
        var line = document.createElement("div");
        line.appendChild(document.createTextNode("Mã tra cứu: "));
        line.appendChild(codeSpan(code));
        div.appendChild(line);
      }
    }
    log.appendChild(div);
    return div;
  }

  // Only the latest message's buttons work (as after a reload): an old "Xác nhận gửi" pressed
  // by mistake would only earn a "this button is old" reply.
  function freezeButtons() {
    var live = Array.prototype.slice.call(log.querySelectorAll(".buttons button:not([disabled])"));
    live.forEach(function (b) { b.disabled = true; });
    return function () { live.forEach(function (b) { b.disabled = false; }); };
  }

  // After "delete my data" the conversation kept in this browser goes too.
  function forgetHistory() {
    history = [];
    storage.removeItem("chat_history");
    while (log.firstChild) { log.removeChild(log.firstChild); }
  }

  function addButtons(buttons, live) {
    if (!buttons || !buttons.length) { return; }
    var row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach(function (b) {
      var el;
      if (b.url) {
        el = document.createElement("a");
        el.href = b.url; el.target = "_blank"; el.rel = "noopener";
        el.textContent = b.text + " ↗";
      } else if (b.request === "location") {
        el = document.createElement("button");
        el.type = "button";
        el.textContent = b.text;
        el.className = "share";
        if (live) { el.addEventListener("click", shareLocation); } else { el.disabled = true; }
      } else if (b.request === "contact") {
        el = document.createElement("button");
        el.type = "button";
        el.textContent = b.text;
        el.className = "share";
        if (live) {
          el.addEventListener("click", function () { showContactForm(row); });
        } else { el.disabled = true; }
      } else if (b.payload) {
        el = document.createElement("button");
        el.type = "button";
        el.textContent = b.text;
        if (live) {
          el.addEventListener("click", function () { send({ payload: b.payload }, b.text); });
        } else {
          el.disabled = true;
        }
      } else { return; }
      row.appendChild(el);
    });
    log.appendChild(row);
  }

  function showReply(r, live) {
    var bubble = addBubble("bot", r.text, r.meta);
    addButtons(r.buttons, live);
    return bubble;
  }

  function restore() {
    var lastMine = -1;
    history.forEach(function (h, i) { if (h.who === "me") { lastMine = i; } });
    history.forEach(function (h, i) {
      if (h.who === "me") { addBubble("me", h.text); }
      else { showReply(h.reply, i > lastMine); }
    });
    scroll();
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) {
      var wait = parseFloat(res.headers.get("Retry-After") || "0") || 0;
      return res.json().then(function (data) {
        return { ok: res.ok, busy: res.status === 503, wait: wait, data: data };
      });
    });
  }

  function send(body, shownText) {
    body.user_id = userId;
    body.message_id = randomId();
    var unfreeze = freezeButtons();
    var anchor = null;
    if (shownText) { anchor = addBubble("me", shownText); save({ who: "me", text: shownText }); }
    var typing = document.createElement("div");
    typing.className = "typing";
    typing.textContent = "Đang trả lời…";
    log.appendChild(typing); scroll();
    sendBtn.disabled = true;
    var later = function (seconds, n) {
      return new Promise(function (ok) { setTimeout(ok, seconds * 1000); }).then(function () { return attempt(n - 1); });
    };
    // the same message_id on every try: the server files a message once however often it arrives
    var attempt = function (n) {
      return post("/api/chat", body).then(function (res) {
        if (res.busy && n > 0) { return later(Math.min(Math.max(res.wait, 1), 5), n); }
        return res;
      }, function (err) {
        if (n > 0) { return later(1.5, n); }
        throw err;
      });
    };
    attempt(3).then(function (res) {
      typing.remove();
      if (!res.ok) {
        unfreeze();
        addBubble("bot note", res.data.error || "Có lỗi, bạn thử lại nhé.");
        return;
      }
      if (res.data.replies.some(function (r) { return r.meta && r.meta.erased; })) {
        forgetHistory();
        anchor = null;
      }
      res.data.replies.forEach(function (r, i) {
        var bubble = showReply(r, true);
        if (i === 0 && !anchor) { anchor = bubble; }
        save({ who: "bot", reply: r });
      });
    }).catch(function () {
      typing.remove();
      unfreeze();
      addBubble("bot note", "Không kết nối được. Bạn kiểm tra mạng rồi gửi lại nhé.");
    }).then(function () { sendBtn.disabled = false; reveal(anchor); });
  }

  // "Share my location": only after the citizen taps, and the browser asks them first.
  function shareLocation() {
    if (!navigator.geolocation) {
      addBubble("bot note", "Trình duyệt không gửi được vị trí. Bạn gõ tên thôn, địa điểm nhé.");
      return;
    }
    navigator.geolocation.getCurrentPosition(function (pos) {
      send({ location: { latitude: pos.coords.latitude, longitude: pos.coords.longitude } },
        "📍 Vị trí của tôi");
    }, function () {
      addBubble("bot note", "Chưa lấy được vị trí (bạn chưa cho phép?). Bạn gõ tên thôn, địa điểm nhé.");
    }, { enableHighAccuracy: true, timeout: 15000 });
  }

  // The contact step: name and phone in a small form, sent as the citizen's own contact.
  function showContactForm(row) {
    if (row.querySelector("form")) { return; }
    var f = document.createElement("form");
    f.className = "contact-form";
    f.innerHTML = '<label>Họ tên <input name="name" maxlength="100" autocomplete="name"></label>' +
      '<label>Số điện thoại <input name="phone" type="tel" maxlength="20" required autocomplete="tel"></label>' +
      '<button type="submit">Gửi thông tin</button>';
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var name = f.elements.name.value.trim();
      var phone = f.elements.phone.value.trim();
      if (!phone) { return; }
      f.remove();
      send({ contact: { name: name, phone: phone } }, "📱 " + (name ? name + ", " : "") + phone);
    });
    row.appendChild(f);
    f.elements.name.focus();
  }

  // Photos from the camera or the gallery, one upload each (the server checks and cleans them).
  function uploadPhotos(list) {
    Array.prototype.forEach.call(list, function (file) {
      addBubble("me", "📷 " + file.name); save({ who: "me", text: "📷 " + file.name });
      if (file.size > 10 * 1024 * 1024) {
        addBubble("bot note", "Ảnh nặng quá 10 MB, bạn chọn ảnh nhỏ hơn nhé.");
        return;
      }
      var data = new FormData();
      data.append("user_id", userId);
      data.append("file", file, file.name);
      fetch("/api/chat/upload", { method: "POST", body: data }).then(function (res) {
        return res.json().then(function (body) { return { ok: res.ok, data: body }; });
      }).then(function (res) {
        if (!res.ok) { addBubble("bot note", res.data.error || "Chưa gửi được ảnh."); return; }
        var first = null;
        res.data.replies.forEach(function (r) {
          var bubble = showReply(r, true); first = first || bubble; save({ who: "bot", reply: r });
        });
        reveal(first);
      }).catch(function () {
        addBubble("bot note", "Không kết nối được. Bạn gửi lại ảnh nhé.");
      });
    });
  }

  function poll() {
    fetch("/api/chat/messages?user_id=" + encodeURIComponent(userId) + "&after=" + lastPushId)
      .then(function (res) { return res.ok ? res.json() : { messages: [] }; })
      .then(function (data) {
        var first = null;
        data.messages.forEach(function (m) {
          lastPushId = Math.max(lastPushId, m.id);
          var r = { text: m.text, buttons: m.buttons, meta: m.meta };
          var bubble = showReply(r, true);
          first = first || bubble;
          save({ who: "bot", reply: r });
        });
        storage.setItem("chat_last_push", String(lastPushId));
        if (first) { reveal(first); }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 5000); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send({ text: text }, text);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });
  var photoInput = document.getElementById("photo");
  document.getElementById("photo-btn").addEventListener("click", function () { photoInput.click(); });
  photoInput.addEventListener("change", function () {
    uploadPhotos(photoInput.files);
    photoInput.value = "";
  });
  document.getElementById("menu-btn").addEventListener("click", function () {
    send({ payload: "cmd:menu" }, "Menu");
  });

  restore();
  if (!history.length) { send({ text: "/start" }); }
  poll();
})();
