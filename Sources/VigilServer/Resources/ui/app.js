// Vigil's quick-test page: pick a model, send an image (file, drop, paste or URL), see the predictions.
// `/ui?model=NAME&url=IMAGE_URL` selects the model and predicts that URL at load, for automation and links.
'use strict';

const $ = (id) => document.getElementById(id);
const el = {
  status: $('status'), model: $('model'), info: $('model-info'), drop: $('drop'), file: $('file'),
  form: $('url-form'), url: $('url'), predict: $('predict'), thresholdRow: $('threshold-row'),
  threshold: $('threshold'), thresholdValue: $('threshold-value'), error: $('error'),
  topTag: $('top-tag'), topProbability: $('top-probability'), latency: $('latency'),
  frame: $('frame'), preview: $('preview'), boxes: $('boxes'), placeholder: $('placeholder'), bars: $('bars'),
};
const MAX_BARS = 20;
const PALETTE = ['#d62828', '#1d7a3a', '#1f5fbf', '#b35c00', '#7b2cbf', '#00798c', '#c2185b', '#5d6b00'];
const state = { models: [], last: null, predictions: [], objectURL: null, sequence: 0 };

const percent = (p) => `${(p * 100).toFixed(1)}%`;
const currentModel = () => state.models.find((m) => m.name === el.model.value);
const clamp01 = (x) => Math.min(1, Math.max(0, Number(x) || 0));

function showError(message) {
  el.error.textContent = message;
  el.error.hidden = false;
}

function clearError() {
  el.error.hidden = true;
  el.error.textContent = '';
}

async function readJSON(response) {
  try { return await response.json(); } catch { return null; }
}

// The API's `{"error": {"code", "message"}}` as one line, or the HTTP status when the body is not JSON.
function describe(response, body) {
  const error = body && body.error;
  const detail = error ? `${error.code}: ${error.message}` : response.statusText || 'unexpected response';
  return `${detail} (HTTP ${response.status})`;
}

// Fills the model picker; selects `wanted` when given (an error when no such model is loaded).
async function loadModels(wanted) {
  const response = await fetch('/models', { cache: 'no-store' });
  const body = await readJSON(response);
  if (!response.ok || !body || !Array.isArray(body.models)) throw new Error(`Could not list models: ${describe(response, body)}`);
  state.models = body.models;
  el.model.replaceChildren(...body.models.map((m) => new Option(m.status === 'ok' ? m.name : `${m.name} (not loaded)`, m.name)));
  el.model.disabled = false;
  el.model.value = body.default;
  const found = !wanted || state.models.some((m) => m.name === wanted);
  if (wanted && found) el.model.value = wanted;
  renderModelInfo();
  if (!found) {
    throw new Error(`No model named "${wanted}" is loaded (available: ${state.models.map((m) => m.name).join(', ')}).`);
  }
}

function renderModelInfo() {
  const model = currentModel();
  const facts = [];
  if (model) {
    if (model.task) facts.push(['Task', model.task]);
    if (model.input) facts.push(['Input', `${model.input.width}×${model.input.height} ${model.input.layout} ${model.input.colorOrder}`]);
    if (model.version) facts.push(['Version', model.version]);
    if (model.labels) facts.push(['Labels', String(model.labels.length)]);
    facts.push(['Status', model.status]);
    if (model.lastError) facts.push(['Last error', model.lastError]);
  }
  el.info.replaceChildren(...facts.flatMap(([term, value]) => {
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = term;
    dd.textContent = value;
    if (term === 'Status') dd.className = value === 'ok' ? 'ok' : 'bad';
    if (term === 'Last error') dd.className = 'bad';
    return [dt, dd];
  }));
  el.thresholdRow.hidden = !model || model.task !== 'detection';
}

// Keeps the address bar shareable: the model, and the image URL when one was predicted.
function updateAddress(input) {
  const params = new URLSearchParams();
  if (el.model.value) params.set('model', el.model.value);
  if (input && input.kind === 'url') params.set('url', input.url);
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

function showImage(input) {
  if (state.objectURL) URL.revokeObjectURL(state.objectURL);
  state.objectURL = input.kind === 'file' ? URL.createObjectURL(input.file) : null;
  el.preview.src = state.objectURL || input.url;
  el.frame.hidden = false;
  el.placeholder.textContent = input.kind === 'file' ? input.file.name : input.url;
}

async function predict(input) {
  const model = currentModel();
  if (!model) { showError('No model is selected.'); return; }
  const sequence = ++state.sequence;
  clearError();
  state.last = input;
  updateAddress(input);
  showImage(input);
  el.boxes.replaceChildren();
  el.status.textContent = `Predicting with ${model.name}…`;
  el.predict.disabled = true;

  const task = model.task === 'detection' ? 'detect' : 'classify';
  const path = `/quicktest/${task}/iterations/${encodeURIComponent(model.name)}/${input.kind === 'url' ? 'url' : 'image'}`;
  const request = input.kind === 'url'
    ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ url: input.url }) }
    : { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: input.file };
  const started = performance.now();
  try {
    let response;
    try { response = await fetch(path, request); } catch (error) {
      throw new Error(`Could not reach the server: ${error.message}`);
    }
    const body = await readJSON(response);
    const elapsed = performance.now() - started;
    if (sequence !== state.sequence) return;
    if (!response.ok || !body || !Array.isArray(body.predictions)) throw new Error(describe(response, body));
    render(body.predictions, elapsed);
    el.status.textContent = `${model.name} answered.`;
  } catch (error) {
    if (sequence !== state.sequence) return;
    render([], null);
    showError(error.message);
    el.status.textContent = 'The prediction failed.';
  } finally {
    if (sequence === state.sequence) el.predict.disabled = false;
  }
}

function render(predictions, elapsed) {
  state.predictions = [...predictions].sort((a, b) => b.probability - a.probability);
  const top = state.predictions[0];
  el.topTag.textContent = top ? top.tagName : '—';
  el.topProbability.textContent = top ? percent(top.probability) : '';
  el.latency.textContent = elapsed == null ? '—' : `${Math.round(elapsed)} ms`;
  renderBars();
  renderBoxes();
}

function colour(tag) {
  let hash = 0;
  for (const c of tag) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

function renderBars() {
  const threshold = el.threshold.value / 100;
  const detection = state.predictions.some((p) => p.boundingBox);
  const shown = state.predictions.slice(0, MAX_BARS);
  const items = shown.map((p) => {
    const li = document.createElement('li');
    if (detection && p.probability < threshold) li.className = 'below';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = p.tagName;
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.setAttribute('aria-hidden', 'true');
    const fill = document.createElement('span');
    fill.style.width = `${clamp01(p.probability) * 100}%`;
    if (detection) fill.style.background = colour(p.tagName);
    bar.append(fill);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = percent(p.probability);
    li.append(name, bar, value);
    return li;
  });
  if (state.predictions.length > MAX_BARS) {
    const more = document.createElement('li');
    more.className = 'more';
    more.textContent = `and ${state.predictions.length - MAX_BARS} more below ${percent(shown[shown.length - 1].probability)}`;
    items.push(more);
  }
  el.bars.replaceChildren(...items);
}

// Boxes are positioned in percent of the image's box, so they follow the displayed size.
function renderBoxes() {
  const threshold = el.threshold.value / 100;
  const boxes = state.predictions.filter((p) => p.boundingBox && p.probability >= threshold).map((p) => {
    const b = p.boundingBox;
    const left = clamp01(b.left);
    const top = clamp01(b.top);
    const box = document.createElement('div');
    box.className = top < 0.06 ? 'box inside' : 'box';
    box.style.left = `${left * 100}%`;
    box.style.top = `${top * 100}%`;
    box.style.width = `${Math.min(clamp01(b.width), 1 - left) * 100}%`;
    box.style.height = `${Math.min(clamp01(b.height), 1 - top) * 100}%`;
    box.style.setProperty('--colour', colour(p.tagName));
    const label = document.createElement('span');
    label.textContent = `${p.tagName} ${percent(p.probability)}`;
    box.append(label);
    return box;
  });
  el.boxes.replaceChildren(...boxes);
}

function predictFile(file) {
  if (!file) return;
  el.url.value = '';
  predict({ kind: 'file', file });
}

el.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const url = el.url.value.trim();
  if (url) predict({ kind: 'url', url });
  else if (state.last) predict(state.last);
  else showError('Choose or drop an image, or enter an image URL first.');
});
el.file.addEventListener('change', () => predictFile(el.file.files[0]));
el.model.addEventListener('change', () => {
  renderModelInfo();
  if (state.last) predict(state.last); else updateAddress(null);
});
el.threshold.addEventListener('input', () => {
  el.thresholdValue.textContent = `${el.threshold.value}%`;
  renderBars();
  renderBoxes();
});
// Scales the image to the frame's width, at most 420 px high, keeping its aspect ratio.
el.preview.addEventListener('load', () => {
  const ratio = el.preview.naturalWidth / el.preview.naturalHeight;
  if (ratio > 0) el.frame.style.width = `min(100%, ${Math.round(420 * ratio)}px)`;
});
el.preview.addEventListener('error', () => {
  if (!el.preview.getAttribute('src')) return;
  el.frame.hidden = true;
  el.placeholder.textContent = `The browser could not display ${el.placeholder.textContent}.`;
});

for (const type of ['dragenter', 'dragover']) {
  el.drop.addEventListener(type, (event) => { event.preventDefault(); el.drop.classList.add('over'); });
}
for (const type of ['dragleave', 'drop']) {
  el.drop.addEventListener(type, () => el.drop.classList.remove('over'));
}
el.drop.addEventListener('drop', (event) => {
  event.preventDefault();
  const file = event.dataTransfer.files[0];
  const link = event.dataTransfer.getData('text/uri-list').split('\n').find((line) => line && !line.startsWith('#'));
  if (file) predictFile(file);
  else if (link) { el.url.value = link.trim(); predict({ kind: 'url', url: link.trim() }); }
});
// A file dropped beside the zone must not navigate away from the page.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());
document.addEventListener('paste', (event) => {
  const file = [...event.clipboardData.files].find((f) => f.type.startsWith('image/'));
  if (file) { event.preventDefault(); predictFile(file); }
});

(async function start() {
  const params = new URLSearchParams(location.search);
  try {
    await loadModels(params.get('model'));
    el.status.textContent = 'Ready.';
  } catch (error) {
    el.status.textContent = state.models.length ? 'Ready.' : 'Not ready.';
    showError(error.message);
    return;
  }
  const url = params.get('url');
  if (url) {
    el.url.value = url;
    await predict({ kind: 'url', url });
  }
})();
