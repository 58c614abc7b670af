// Loaded after require.js and before embed-amd.js on pages with widgets.
// 1. Point require.js at the vendored widget bundle. html-manager derives the URLs of its font
//    files from a module URI, which resolves to widgets/ or widgets/embed-amd/dist/ depending on
//    which module loads first (the vendoring script puts the fonts in both).
// 2. The widget manager typesets labels with the MathJax 2 call MathJax.Hub.Queue; the site uses
//    MathJax 3, so provide that one call on top of MathJax 3's typesetPromise.
(function () {
  var root = (document.documentElement.dataset.content_root || "./") + "_static/widgets/";
  var bundle = root + "embed-amd";
  window.requirejs.config({
    paths: {
      "@jupyter-widgets/html-manager": bundle,
      "@jupyter-widgets/base": bundle,
      "@jupyter-widgets/controls": bundle,
      "@jupyter-widgets/output": bundle
    }
  });
  function shimMathJax() {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = {
        Queue: function (command) {
          var element = command && command[2];
          if (element && mj.typesetPromise) {
            mj.typesetPromise([element]).catch(function () {});
          }
        }
      };
    }
  }
  shimMathJax();
  document.addEventListener("DOMContentLoaded", shimMathJax);
})();
