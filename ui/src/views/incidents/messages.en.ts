// English messages of the incidents view. Keys start with "incidents.". Merged into lib/i18n/en.ts.

export const incidentsEn = {} as const;
