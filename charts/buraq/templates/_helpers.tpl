{{/*
Chart name, truncated to the 63 characters a label value allows.
*/}}
{{- define "buraq.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified release name: the release name alone when it already contains the chart
name (release "buraq" gives "buraq"), else "<release>-<chart>".
*/}}
{{- define "buraq.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of the controller's objects (Deployment, ServiceAccount, ClusterRole, ...).
*/}}
{{- define "buraq.controllerName" -}}
{{- printf "%s-controller" (include "buraq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Chart label value: name-version, "+" replaced as label values do not allow it.
*/}}
{{- define "buraq.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "buraq.labels" -}}
helm.sh/chart: {{ include "buraq.chart" . }}
app.kubernetes.io/name: {{ include "buraq.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: buraq
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels on the controller's objects.
*/}}
{{- define "buraq.controllerLabels" -}}
{{ include "buraq.labels" . }}
app.kubernetes.io/component: controller
{{- end }}

{{/*
Selector labels of the controller pods: only labels that never change across upgrades.
*/}}
{{- define "buraq.selectorLabels" -}}
app.kubernetes.io/name: {{ include "buraq.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{/*
ServiceAccount the controller runs as.
*/}}
{{- define "buraq.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "buraq.controllerName" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Controller image reference.
*/}}
{{- define "buraq.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
The controller's RBAC rules, shared by the ClusterRole (rbac.scope cluster) and the per-namespace
Roles (rbac.scope namespaces).
*/}}
{{- define "buraq.controllerRules" -}}
- apiGroups: ["buraq.dev"]
  resources: ["taskqueues"]
  verbs: ["list", "watch"]
- apiGroups: ["buraq.dev"]
  resources: ["taskqueues/status"]
  verbs: ["patch"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch"]
- apiGroups: ["apps"]
  resources: ["deployments/scale"]
  verbs: ["get", "patch"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create"]
{{- end }}
