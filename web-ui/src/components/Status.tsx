// A colour as words and as a band: never colour alone, so that it reads
// on any screen and to a screen reader.
import { useI18n } from '@/lib/i18n';

export function colourLabel(colour: string, t: ReturnType<typeof useI18n>['t']): string {
  return colour === 'green' ? t('status.green') : t('status.black');
}

export function StatusBadge({ colour }: { colour: string }) {
  const { t } = useI18n();
  return <span className={`badge badge-${colour === 'green' ? 'green' : 'black'}`}>{colourLabel(colour, t)}</span>;
}
