// welcome ビューの日本語メッセージ。キーは messages.en.ts と完全に一致させる（型で検査される）。

import type { welcomeEn } from "./messages.en";

export const welcomeJa: { readonly [K in keyof typeof welcomeEn]: string } = {
  "welcome.title": "Hinomi へようこそ",
  "welcome.nav": "はじめに",
  "welcome.intro":
    "Hinomi は Prometheus のターゲット、Alertmanager のアラート、ログをひとつのデスクトップウィンドウで監視します。接続先を設定するか、まずデモをご覧ください。",
  "welcome.language": "言語",
  "welcome.step.prometheus.title": "Prometheus",
  "welcome.step.prometheus.body": "メトリクス、スクレイプターゲット、ダッシュボード。通常は http://prometheus:9090 です。",
  "welcome.step.alertmanager.title": "Alertmanager",
  "welcome.step.alertmanager.body": "発火中のアラート、サイレンス、デスクトップ通知。通常は http://alertmanager:9093 です。",
  "welcome.step.logs.title": "ログ",
  "welcome.step.logs.body": "Elasticsearch / OpenSearch クラスター、またはこのコンピューター上のログファイルを検索します。",
  "welcome.step.optional": "任意",
  "welcome.add.prometheus": "Prometheus を追加",
  "welcome.add.alertmanager": "Alertmanager を追加",
  "welcome.add.elasticsearch": "Elasticsearch / OpenSearch",
  "welcome.add.local_files": "このコンピューターのログファイル",
  "welcome.more": "TLS、認証、タイムアウトは後から設定で変更できます。",
  "welcome.start": "監視を開始",
  "welcome.starting": "保存中…",
  "welcome.start.hint": "開始するには接続先を 1 つ以上追加してください。",
  "welcome.fixProblems": "保存しました。開始するには上で示された項目を修正してください。",
  "welcome.saveFailed": "設定を保存できませんでした",
  "welcome.demo": "デモを開く",
  "welcome.demo.hint": "このコンピューター上の同梱デモ環境（./scripts/demo で起動）を使います。",
  "welcome.demoFailed": "デモを開けませんでした",
  "welcome.settingsLink": "すべての設定",
  "welcome.path": "保存先: {path}",
};
