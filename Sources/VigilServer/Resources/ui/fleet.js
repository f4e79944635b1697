// Vigil fleet view: polls /api/fleet and shows every node reporting to the broker — whether it is
// online (its MQTT birth / last will), what it runs, its cameras, its recent events, and links to
// the node's own dashboard and events page.
"use strict";

const nodesEl = document.getElementById("nodes");
const statusEl = document.getElementById("status");

function link(href, label) {
  const a = text("a", label);
  a.href = href;
  return a;
}

function when(seconds) {
  return seconds == null ? "…" : new Date(seconds * 1000).toLocaleTimeString();
}

function nodeCard(node, self) {
  const report = node.report || {};
  const root = document.createElement("article");
  root.className = "camera node";
  root.dataset.node = node.node;
  const title = document.createElement("h2");
  const state = node.online ? "online" : (node.available || "unknown");
  title.append(text("span", node.node + (node.node === self ? " (this node)" : "")),
               text("span", state, "state " + (node.online ? "streaming" : "failed")));
  root.append(title);

  const facts = document.createElement("dl");
  const rows = [["version", report.version || "—"], ["models", (report.models || []).join(", ") || "—"],
                ["last seen", new Date(node.lastSeen).toLocaleTimeString()]];
  if (report.shard && report.shard.count > 1) rows.push(["shard", report.shard.index + " of " + report.shard.count]);
  for (const [k, v] of rows) facts.append(text("dt", k), text("dd", v));
  root.append(facts);

  if (report.url) {
    const links = document.createElement("p");
    links.className = "links";
    links.append(link(report.url + "dashboard", "dashboard"));
    if (report.events) links.append(" · ", link(report.url + "events", "events"));
    root.append(links);
  }

  const cameras = document.createElement("ul");
  cameras.className = "node-cameras";
  for (const camera of report.cameras || []) {
    const item = document.createElement("li");
    item.dataset.camera = camera.camera;
    item.append(text("strong", camera.camera), " ", text("span", camera.state, "state " + camera.state),
                " " + camera.outputFps.toFixed(1) + " fps");
    cameras.append(item);
  }
  if (!cameras.children.length) cameras.append(text("li", "no cameras", "muted"));
  root.append(text("h3", "Cameras"), cameras);

  const events = document.createElement("ol");
  events.className = "feed";
  for (const message of node.events) {
    const e = message.after || {};
    events.append(text("li", when(e.start_time) + " " + e.camera + " " + e.label + " (" + message.type + ")"));
  }
  if (!events.children.length) events.append(text("li", "no recent events", "muted"));
  root.append(text("h3", "Recent events"), events);
  return root;
}

async function refresh() {
  try {
    const response = await fetch("/api/fleet", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const fleet = await response.json();
    nodesEl.replaceChildren(...fleet.nodes.map(node => nodeCard(node, fleet.self)));
    const online = fleet.nodes.filter(node => node.online).length;
    statusEl.textContent = fleet.nodes.length + " node(s), " + online + " online";
  } catch (error) {
    statusEl.textContent = "Cannot reach this node: " + error.message;
  }
}

refresh();
setInterval(refresh, 2000);
