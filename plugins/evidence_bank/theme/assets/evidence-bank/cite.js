// A case study's page, made easier to use when JavaScript runs. Without it the page is whole:
// every section open and the reference there to select and copy by hand.
//  - A "Copy reference" button beside each Harvard reference; a live region says "Copied".
//  - The detail sections (.eb-fold after a heading) fold away behind a button in the heading.
//    They open for find-in-page, for a link to them or to anything in them, and print open
//    (evidence-bank.css).
(function () {
  "use strict";

  function status(box) {
    var region = document.createElement("p");
    region.className = "eb-copy__status";
    region.setAttribute("role", "status");
    box.appendChild(region);
    return region;
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyByHand(element) {
    // Older browsers and pages not served over HTTPS have no navigator.clipboard.
    selectText(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function addCopyButton(citation) {
    var text = citation.textContent.replace(/\s+/g, " ").trim();
    var box = document.createElement("div");
    box.className = "eb-copy";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button eb-copy__button";
    button.textContent = "Copy reference";
    box.appendChild(button);
    var region = status(box);
    citation.insertAdjacentElement("afterend", box);
    function say(words) {
      // Emptied first, so that the same words twice are announced twice.
      region.textContent = "";
      window.setTimeout(function () {
        region.textContent = words;
      }, 50);
    }
    button.addEventListener("click", function () {
      var done = function () {
        say("Copied");
      };
      var failed = function () {
        say(
          copyByHand(citation)
            ? "Copied"
            : "Could not copy. The reference is selected: copy it with your keyboard or menu."
        );
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  }

  var folds = [];

  function setOpen(fold, open) {
    fold.button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      fold.body.removeAttribute("hidden");
    } else if ("onbeforematch" in document.body) {
      fold.body.setAttribute("hidden", "until-found");
    } else {
      fold.body.hidden = true;
    }
  }

  function addFold(body) {
    var heading = body.previousElementSibling;
    if (!heading || !/^H[2-6]$/.test(heading.tagName) || !heading.id) return;
    body.id = heading.id + "-details";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "eb-fold__button";
    button.setAttribute("aria-controls", body.id);
    while (heading.firstChild) button.appendChild(heading.firstChild);
    heading.appendChild(button);
    heading.classList.add("eb-fold__heading");
    var fold = { heading: heading, body: body, button: button };
    folds.push(fold);
    setOpen(fold, false);
    button.addEventListener("click", function () {
      setOpen(fold, button.getAttribute("aria-expanded") !== "true");
    });
    body.addEventListener("beforematch", function () {
      setOpen(fold, true);
    });
  }

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    folds.forEach(function (fold) {
      if (fold.heading === target || fold.body.contains(target)) {
        setOpen(fold, true);
        target.scrollIntoView();
      }
    });
  }

  document.querySelectorAll(".eb-citation").forEach(addCopyButton);
  document.querySelectorAll(".eb-fold").forEach(addFold);
  openTarget();
  window.addEventListener("hashchange", openTarget);
  // A link on the page to a folded section (the contents list, "Other ways to cite it").
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link && link.getAttribute("href") === window.location.hash) openTarget();
  });
})();
