{{/* The prefix of every object's name: the release name, with the chart's name when it lacks it. */}}
{{- define "vigil.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of a component's objects; selectors use the first two lines only. */}}
{{- define "vigil.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "vigil.labels" -}}
{{ include "vigil.selector" . }}
app.kubernetes.io/part-of: vigil
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "vigil.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "vigil.mqttUrl" -}}
{{- if .Values.mqtt.url -}}
{{ .Values.mqtt.url }}
{{- else if .Values.mqtt.broker.enabled -}}
mqtt://{{ include "vigil.fullname" . }}-mosquitto:1883
{{- end -}}
{{- end -}}

{{/* Vigil runs as the image's user vigil (10001). */}}
{{- define "vigil.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "vigil.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Liveness and readiness on the HTTP server (server.port, the container port "http"). */}}
{{- define "vigil.probes" -}}
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
{{- end -}}

{{- define "vigil.credentialsSecret" -}}
{{ .Values.credentials.existingSecret | default (printf "%s-credentials" (include "vigil.fullname" .)) }}
{{- end -}}

{{/* One VIGIL_* variable per credential; a key missing from the Secret leaves the setting unset. */}}
{{- define "vigil.credentialsEnv" -}}
{{- $secret := include "vigil.credentialsSecret" .root -}}
{{- range $variable, $key := .variables }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end -}}

{{/* The mqtt section of vigil.yaml. */}}
{{- define "vigil.mqttConfig" -}}
{{- $mqtt := dict "url" (include "vigil.mqttUrl" .) "prefix" .Values.mqtt.prefix "protocol" (toString .Values.mqtt.protocol) -}}
{{- $tls := dict -}}
{{- if .Values.mqtt.tls.caConfigMap }}{{ $_ := set $tls "ca" "/etc/mqtt-ca/ca.crt" }}{{ end -}}
{{- if .Values.mqtt.tls.clientSecret }}{{ $_ := set $tls "cert" "/etc/mqtt-client/tls.crt" }}{{ $_ := set $tls "key" "/etc/mqtt-client/tls.key" }}{{ end -}}
{{- if $tls }}{{ $_ := set $mqtt "tls" $tls }}{{ end -}}
{{- toJson $mqtt -}}
{{- end -}}

{{/* Volume mounts and volumes for the broker's CA and client certificate. */}}
{{- define "vigil.mqttTLSMounts" -}}
{{- if .Values.mqtt.tls.caConfigMap }}
- name: mqtt-ca
  mountPath: /etc/mqtt-ca
  readOnly: true
{{- end }}
{{- if .Values.mqtt.tls.clientSecret }}
- name: mqtt-client
  mountPath: /etc/mqtt-client
  readOnly: true
{{- end }}
{{- end -}}

{{- define "vigil.mqttTLSVolumes" -}}
{{- if .Values.mqtt.tls.caConfigMap }}
- name: mqtt-ca
  configMap:
    name: {{ .Values.mqtt.tls.caConfigMap }}
{{- end }}
{{- if .Values.mqtt.tls.clientSecret }}
- name: mqtt-client
  secret:
    secretName: {{ .Values.mqtt.tls.clientSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{/* The models volume: an existing claim, or an emptyDir that fetch-models fills. */}}
{{- define "vigil.modelsVolume" -}}
- name: models
{{- if .Values.modelStorage.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.modelStorage.existingClaim }}
    readOnly: true
{{- else }}
  emptyDir: {}
- name: model-list
  configMap:
    name: {{ include "vigil.fullname" . }}-models
{{- end }}
{{- end -}}

{{- define "vigil.fetchModels" -}}
{{- if not .Values.modelStorage.existingClaim }}
initContainers:
  - name: fetch-models
    image: {{ .Values.modelStorage.fetchImage }}
    command: ["sh", "/etc/vigil-models/fetch-models.sh"]
    securityContext:
      {{- include "vigil.containerSecurityContext" . | nindent 6 }}
    volumeMounts:
      - name: models
        mountPath: /models
      - name: model-list
        mountPath: /etc/vigil-models
        readOnly: true
      - name: tmp
        mountPath: /tmp
{{- end }}
{{- end -}}
