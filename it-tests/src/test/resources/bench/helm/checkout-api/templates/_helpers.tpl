{{- define "selectorLabels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}-{{ .Values.env }}
{{- end -}}
{{- define "capstanLabels" -}}
app.kubernetes.io/managed-by: capstan
capstan.dev/chart: {{ .Chart.Name }}
capstan.dev/env: {{ .Values.env }}
{{- end -}}
