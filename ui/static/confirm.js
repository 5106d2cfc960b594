// A form that cannot be undone (cancel an order, delete a product) carries
// data-confirm="question": submitting it asks first, and a person who
// answers Cancel sends nothing. This lives in a script file, not in an
// inline onsubmit handler, because the pages' content security policy
// (script-src 'self') refuses inline scripts, which would make the
// question never appear and the form act at once.
document.addEventListener('submit', (e) => {
  const form = e.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);
