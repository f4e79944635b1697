// Small DOM helpers shared by the dashboard, events and fleet pages (loaded before each page's script).
"use strict";

// An element holding `content` as text (never parsed as HTML), with an optional class.
function text(tag, content, className) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (className) el.className = className;
  return el;
}
