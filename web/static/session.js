// A few minutes before an idle session ends, a warning with a button to stay signed in; once it has
// ended, a note that what is sent will be kept. Its words come from the page (#session-note), which
// already says without JavaScript when the session ends. Loaded as a file: the pages allow no inline script.
(function () {
  "use strict";
  var note = document.getElementById("session-note");
  if (!note || !window.fetch) { return; }
  var warnBefore = Number(note.dataset.warn) * 1000;
  var ends = Date.now() + Number(note.dataset.seconds) * 1000;
  var box = null;
  var timer = null;

  function show(text, offerToStay) {
    if (!box) {
      box = document.createElement("div");
      box.className = "session-warning";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
      document.body.classList.add("session-warned");  // room below the page's end, so that nothing stays under it
    }
    box.textContent = "";
    var words = document.createElement("p");
    words.textContent = text;
    box.appendChild(words);
    if (offerToStay) {
      var stay = document.createElement("button");
      stay.type = "button";
      stay.textContent = note.dataset.stay;
      stay.addEventListener("click", renew);
      box.appendChild(stay);
    }
  }

  function hide() {
    if (box) { box.remove(); box = null; }
    document.body.classList.remove("session-warned");
  }

  function wait(milliseconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, milliseconds));
  }

  // Another tab may have kept the session alive: ask the server how long is left (asking is no activity).
  function check() {
    fetch(note.dataset.remaining, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (answer) { return answer.ok ? answer.json() : {seconds: 0}; })
      .then(function (left) {
        var milliseconds = Number(left.seconds) * 1000;
        ends = Date.now() + milliseconds;
        if (milliseconds <= 0) {
          show(note.dataset.expired, false);
        } else if (milliseconds > warnBefore) {
          hide();
          wait(milliseconds - warnBefore);
        } else {
          show(note.dataset.warning, true);
          wait(milliseconds + 1000);
        }
      })
      .catch(function () { wait(60000); });
  }

  function renew() {
    fetch(note.dataset.renew, {credentials: "same-origin", redirect: "manual"})
      .then(function (answer) {
        if (answer.status === 204) {
          ends = Date.now() + Number(note.dataset.idle) * 1000;
          hide();
          wait(ends - warnBefore - Date.now());
        } else {
          show(note.dataset.expired, false);
        }
      })
      .catch(function () { wait(60000); });
  }

  wait(ends - warnBefore - Date.now());
}());
