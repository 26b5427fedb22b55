// Progressive enhancement: 추천/비추천 and 댓글 추천 without a page reload. Without
// JavaScript the forms post and the server redirects back, so every action still works.
(function () {
  "use strict";

  function update(box, data) {
    box.querySelectorAll("[data-count]").forEach(function (el) {
      var value = el.dataset.count === "up" ? data.upvotes : data.downvotes;
      el.textContent = Number(value).toLocaleString("ko-KR");
    });
    box.querySelectorAll(".vote-button").forEach(function (button) {
      var isUp = button.classList.contains("vote-up");
      button.setAttribute("aria-pressed", String((isUp && data.my_vote === 1) || (!isUp && data.my_vote === -1)));
    });
  }

  function announce(text) {
    var status = document.querySelector(".vote-status");
    if (status) {
      status.textContent = text;
      status.classList.toggle("visually-hidden", !text);
    }
  }

  function updateComment(form, data) {
    var button = form.querySelector(".comment-vote");
    button.setAttribute("aria-pressed", String(data.voted));
    button.querySelector("strong").textContent = Number(data.upvotes).toLocaleString("ko-KR");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var isComment = form.classList && form.classList.contains("comment-vote-form");
    if (!form.classList || !(isComment || form.classList.contains("vote-form")) || !window.fetch) {
      return;
    }
    event.preventDefault();
    var box = isComment ? null : form.closest(".vote-box");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        if (result.ok) {
          if (isComment) {
            updateComment(form, result.data);
          } else {
            update(box, result.data);
          }
          announce("");
        } else {
          announce(result.data.error || "요청을 처리하지 못했습니다.");
        }
      })
      .catch(function () {
        form.submit();
      });
  });
})();

// A form sent once stays sent: a second tap while the first is on its way does nothing,
// and its buttons are greyed out. (The server would not make the post twice anyway: each
// form carries a one-time key.) Coming back with the Back button brings the form back to
// life.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once") || event.defaultPrevented) {
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    // After this event, so the pressed button's name (미리보기 or 등록) is still sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button").forEach(function (button) {
        button.disabled = false;
      });
    });
  });
})();

// 공유: 링크 복사 where the clipboard can be written (a secure page), the phone's own share
// sheet where there is one, and 인쇄. Without JavaScript the address stays in its box to
// copy by hand and the browser's own print prints the article (the print stylesheet).
(function () {
  "use strict";

  var box = document.querySelector(".share-box");
  if (!box) {
    return;
  }
  var address = box.querySelector(".share-url");
  var status = box.querySelector(".share-status");

  function say(text) {
    status.textContent = text;
    status.classList.toggle("visually-hidden", !text);
  }

  address.addEventListener("focus", function () {
    address.select();
  });

  var copy = box.querySelector(".share-copy");
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(address.value).then(
        function () {
          say("링크를 복사했습니다.");
        },
        function () {
          address.focus();
          say("링크를 선택했습니다. 복사해 주세요.");
        }
      );
    });
  }

  var share = box.querySelector(".share-native");
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: share.dataset.title, url: address.value }).catch(function () {
        // Closing the share sheet is not an error worth a message.
      });
    });
  }

  var print = box.querySelector(".share-print");
  print.hidden = false;
  print.addEventListener("click", function () {
    window.print();
  });
})();
