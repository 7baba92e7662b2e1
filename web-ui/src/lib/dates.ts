// Dates as the city counts them: on Ho Chi Minh City's calendar, whatever
// the browser's own time zone.

/** Today's date in Ho Chi Minh City, `YYYY-MM-DD`. */
export function todayInCity(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The first day a COVID-19 record can carry: the API refuses anything earlier. */
export const PANDEMIC_START = '2019-12-01';
