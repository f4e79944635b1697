// Vigil events timeline: lists events (newest first) with their snapshots, plays a clip in the
// page, shows clip state and storage use; filters by camera, tag and time.
"use strict";

const listEl = document.getElementById("events");
const statusEl = document.getElementById("status");
const storageEl = document.getElementById("storage");
const player = document.getElementById("player");
const playingEl = document.getElementById("playing");
const form = document.getElementById("filter");

function when(seconds) { return seconds == null ? "active" : new Date(seconds * 1000).toLocaleString(); }

function mib(bytes) { return (bytes / 1048576).toFixed(1) + " MiB"; }

function play(event) {
  player.src = event.clip;
  player.dataset.event = event.id;
  playingEl.textContent = event.camera + " · " + event.label + " · " + when(event.start_time);
  player.play().catch(() => {});
}

function card(event) {
  const root = document.createElement("article");
  root.className = "camera event";
  root.dataset.event = event.id;
  const title = document.createElement("h2");
  title.append(text("span", event.label + " " + (event.top_score * 100).toFixed(0) + "%"), text("span", event.camera, "state"));
  root.append(title);
  if (event.snapshot) {
    const img = document.createElement("img");
    img.src = event.snapshot + "?boxes=1";
    img.alt = event.label + " on " + event.camera;
    root.append(img);
  }
  const facts = document.createElement("dl");
  const rows = [["start", when(event.start_time)], ["end", when(event.end_time)],
    ["zones", event.zones.join(", ") || "—"], ["clip", event.clip_state ? event.clip_state + (event.clip_bytes ? " (" + mib(event.clip_bytes) + ")" : "") : "none"],
    ["upload", (event.uploads || []).map(u => u.target + ": " + u.state).join(", ") || "—"]];
  for (const [k, v] of rows) facts.append(text("dt", k), text("dd", v));
  root.append(facts);
  if (event.clip) {
    const button = text("button", "Play clip");
    button.type = "button";
    button.addEventListener("click", () => play(event));
    root.append(button);
  }
  return root;
}

async function refresh() {
  const params = new URLSearchParams();
  for (const key of ["camera", "label"]) { const v = form.elements[key].value.trim(); if (v) params.set(key, v); }
  if (form.elements.after.value) params.set("after", String(new Date(form.elements.after.value).getTime() / 1000));
  try {
    const [events, storage] = await Promise.all([
      fetch("/api/events?" + params, { cache: "no-store" }).then(r => r.json()),
      fetch("/api/storage", { cache: "no-store" }).then(r => r.json()),
    ]);
    listEl.replaceChildren(...events.events.map(card));
    statusEl.textContent = events.events.length + " event(s)";
    storageEl.textContent = "storage: " + mib(storage.total_bytes) + (storage.cap_bytes ? " of " + mib(storage.cap_bytes) : "") +
      " (snapshots " + mib(storage.snapshot_bytes) + ", clips " + mib(storage.clip_bytes) + ")";
    const query = new URLSearchParams(location.search);
    const wanted = query.get("play");
    if (wanted && player.dataset.event !== wanted) {
      const event = events.events.find(e => e.id === wanted || (wanted === "latest" && e.clip));
      if (event && event.clip) play(event);
    }
  } catch (error) {
    statusEl.textContent = "Cannot reach Vigil: " + error;
  }
}

form.addEventListener("submit", event => { event.preventDefault(); refresh(); });
refresh();
setInterval(refresh, 3000);
