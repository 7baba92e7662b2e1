// The device camera as a QR reader: frames drawn to a canvas and decoded
// with jsQR, loaded only when the camera is switched on.
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '@/lib/i18n';

interface Props {
  onCode: (text: string) => void;
}

type CameraState = 'starting' | 'running' | 'denied' | 'unavailable';

export function Camera({ onCode }: Props) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>('starting');
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let frame = 0;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    async function start() {
      if (!navigator.mediaDevices?.getUserMedia || !context) {
        setState('unavailable');
        return;
      }
      try {
        const [{ default: jsQR }, media] = await Promise.all([
          import('jsqr'),
          navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
        ]);
        stream = media;
        if (stopped || !video.current) return;
        video.current.srcObject = media;
        await video.current.play();
        setState('running');

        const tick = () => {
          if (stopped) return;
          const element = video.current;
          if (element && context && element.readyState >= element.HAVE_CURRENT_DATA && element.videoWidth > 0) {
            // Decoding at most 640 pixels wide keeps a phone's CPU free.
            const scale = Math.min(1, 640 / element.videoWidth);
            canvas.width = Math.round(element.videoWidth * scale);
            canvas.height = Math.round(element.videoHeight * scale);
            context.drawImage(element, 0, 0, canvas.width, canvas.height);
            const image = context.getImageData(0, 0, canvas.width, canvas.height);
            const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
            if (code?.data) onCodeRef.current(code.data);
          }
          frame = requestAnimationFrame(tick);
        };
        frame = requestAnimationFrame(tick);
      } catch (error) {
        if (!stopped) {
          setState(error instanceof DOMException && error.name === 'NotAllowedError' ? 'denied' : 'unavailable');
        }
      }
    }

    void start();
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  return (
    <div className="camera">
      <video ref={video} muted playsInline aria-label={t('scanner.cameraView')} data-state={state} />
      {state === 'starting' && <p role="status">{t('scanner.cameraStarting')}</p>}
      {state === 'denied' && <p className="notice notice-error" role="alert">{t('scanner.cameraDenied')}</p>}
      {state === 'unavailable' && <p className="notice notice-error" role="alert">{t('scanner.cameraUnavailable')}</p>}
    </div>
  );
}
