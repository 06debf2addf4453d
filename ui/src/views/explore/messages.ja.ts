// Japanese messages of the Explore view. Same keys as messages.en.ts.

import type { exploreEn } from "./messages.en";

export const exploreJa: { readonly [K in keyof typeof exploreEn]: string } = {
  "explore.title": "エクスプローラー",
  "explore.command.open": "エクスプローラーを開く",
  "explore.query.label": "PromQL 式",
  "explore.query.placeholder": "PromQL 式を入力（例: rate(api_requests_total[5m])）",
  "explore.run": "クエリを実行",
  "explore.running": "実行中…",
  "explore.mode.graph": "グラフ",
  "explore.mode.table": "テーブル",
  "explore.datasource": "データソース",
  "explore.datasource.default": "既定の Prometheus",
  "explore.history": "履歴",
  "explore.history.empty": "実行したクエリがここに表示されます。",
  "explore.history.clear": "履歴を消去",
  "explore.failed": "クエリを実行できませんでした",
  "explore.queryFailed": "Prometheus がクエリを拒否しました",
  "explore.errorAt": "Prometheus がクエリを拒否しました（{line} 行 {column} 列）",
  "explore.noData": "クエリの結果に系列がありません。",
  "explore.empty": "式を入力して Enter で実行（Shift+Enter で改行）。",
  "explore.catalogFailed": "補完用のメトリクス名を取得できません: {message}",
  "explore.suggestions": "候補",
  "explore.table.value": "値",
  "explore.table.scalar": "スカラー",
  "explore.table.string": "文字列",
  "explore.table.matrix": "範囲ベクトル（{count} 系列）はテーブルに表示できません。グラフを使ってください。",
  "explore.series": "{count} 系列",
  "explore.truncated": "{total} 系列のうち {shown} 系列を表示中（系列数の上限。設定で変更できます）。",
};
