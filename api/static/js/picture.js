// Open a wide accountability picture on the body it is about, not on its left edge.
(function () {
  "use strict";
  document.querySelectorAll(".picture-scroll").forEach(function (frame) {
    var subject = frame.querySelector(".box.subject rect");
    if (!subject || frame.scrollWidth <= frame.clientWidth) return;
    var box = subject.getBoundingClientRect(), view = frame.getBoundingClientRect();
    frame.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
    frame.scrollTop += Math.max(0, box.top - view.top - view.height / 2);
  });
})();
