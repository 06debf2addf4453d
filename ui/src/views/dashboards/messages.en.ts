// English messages of the dashboards view. Keys start with "dashboards.". Merged into lib/i18n/en.ts.

export const dashboardsEn = {} as const;
