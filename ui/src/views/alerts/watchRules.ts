// Watch-rule problems as the editor shows them, and the example a new file starts from.

import type { RuleFileError } from "../../lib/bindings";

/** An example watch rule, shown in the empty editor. */
export const WATCH_RULES_EXAMPLE = `groups:
- name: my-watches
  rules:
  - alert: DemoApiDown
    expr: up{job="demo-api"} == 0
    for: 1m
    labels:
      severity: warning
    annotations:
      summary: "デモ API が応答しません: {{ $labels.instance }}"`;

/** `line 8, column 5 · group "mine" · rule 2 "BadFor" · for`, leaving out what is unknown. */
export function whereIs(problem: RuleFileError): string {
  const parts: string[] = [];
  if (problem.line != null) {
    parts.push(problem.column != null ? `${problem.line}:${problem.column}` : `${problem.line}`);
  }
  if (problem.group != null) parts.push(`group "${problem.group}"`);
  if (problem.rule_index != null) {
    parts.push(problem.rule_name ? `rule ${problem.rule_index} "${problem.rule_name}"` : `rule ${problem.rule_index}`);
  }
  if (problem.field) parts.push(problem.field);
  return parts.join(" · ");
}
