// Vigil camera dashboard: polls /api/cameras for status, shows each camera's annotated MJPEG
// stream, and lists predictions as they arrive over Server-Sent Events.
"use strict";

const camerasEl = document.getElementById("cameras");
const statusEl = document.getElementById("status");
const feedEl = document.getElementById("feed");
const modelsEl = document.getElementById("models");
const cards = new Map();

function card(camera) {
  if (cards.has(camera.camera)) return cards.get(camera.camera);
  const root = document.createElement("article");
  root.className = "camera";
  root.dataset.camera = camera.camera;
  const title = document.createElement("h2");
  title.append(text("span", camera.camera), text("span", "", "state"));
  const img = document.createElement("img");
  img.alt = "Live view of " + camera.camera;
  img.src = "/api/cameras/" + encodeURIComponent(camera.camera) + "/stream.mjpg";
  const facts = document.createElement("dl");
  const error = text("p", "", "error");
  root.append(title, img, facts, error);
  camerasEl.append(root);
  const entry = { root, state: title.lastChild, facts, error, top: null };
  cards.set(camera.camera, entry);
  return entry;
}

function render(camera) {
  const entry = card(camera);
  entry.state.textContent = camera.state;
  entry.state.className = "state " + camera.state;
  entry.facts.replaceChildren();
  const rows = [
    ["source", camera.source], ["model", camera.model],
    ["fps in / out", camera.inputFps.toFixed(1) + " / " + camera.outputFps.toFixed(1)],
    ["read / scored / dropped", camera.framesRead + " / " + camera.framesScored + " / " + camera.framesDropped],
    ["scoring", camera.lastScoringMs.toFixed(1) + " ms"], ["reconnects", String(camera.reconnects)],
    ["top", entry.top || "—"],
  ];
  for (const [k, v] of rows) entry.facts.append(text("dt", k), text("dd", v));
  entry.error.textContent = camera.lastError ? "last error: " + camera.lastError : "";
}

async function refresh() {
  try {
    const response = await fetch("/api/cameras", { cache: "no-store" });
    const body = await response.json();
    body.cameras.forEach(render);
    modelsEl.replaceChildren(...body.models.map(m => text("li", m.name + " — " + m.task + (m.version ? " (" + m.version + ")" : ""))));
    const streaming = body.cameras.filter(c => c.state === "streaming").length;
    statusEl.textContent = body.cameras.length + " camera(s), " + streaming + " streaming";
  } catch (error) {
    statusEl.textContent = "Cannot reach Vigil: " + error;
  }
}

const events = new EventSource("/api/predictions/stream");
events.addEventListener("prediction", event => {
  const message = JSON.parse(event.data);
  const best = message.predictions.reduce((a, b) => (b.probability > (a ? a.probability : -1) ? b : a), null);
  const summary = best ? best.tagName + " " + (best.probability * 100).toFixed(1) + "%" : "nothing";
  const entry = cards.get(message.camera);
  if (entry) entry.top = summary;
  const item = text("li", message.frameTime + "  " + message.camera + "  " + summary);
  feedEl.prepend(item);
  while (feedEl.children.length > 50) feedEl.lastChild.remove();
});

refresh();
setInterval(refresh, 1000);

// The fleet link shows only on an instance configured with `fleet: true` (which serves /api/fleet).
fetch("/api/fleet", { cache: "no-store" }).then(response => {
  if (response.ok) document.getElementById("fleet-link").hidden = false;
}).catch(() => {});
