// English messages of the alerts view. Keys start with "alerts.". Merged into lib/i18n/en.ts.

export const alertsEn = {} as const;
