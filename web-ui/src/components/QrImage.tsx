// An image the API serves only to a logged-in caller (a personal QR, a
// location QR): fetched with the token and shown from an object URL.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { authFetch } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { purposeHeader } from '@/lib/purpose';
import { ErrorNotice } from './ErrorNotice';

async function fetchImage(path: string): Promise<Blob> {
  // A personal QR is person data: an officer's stated purpose goes with it.
  const response = await authFetch(new Request(new URL(path, location.origin), { headers: purposeHeader() }));
  if (!response.ok) {
    throw new ApiProblem(response.status, await response.json().catch(() => null));
  }
  return response.blob();
}

export function QrImage({ path, alt, className }: { path: string; alt: string; className?: string }) {
  const image = useQuery({ queryKey: ['image', path], queryFn: () => fetchImage(path), staleTime: 60_000 });
  const url = useMemo(() => (image.data ? URL.createObjectURL(image.data) : null), [image.data]);
  useEffect(() => () => {
    if (url) URL.revokeObjectURL(url);
  }, [url]);

  if (image.error) return <ErrorNotice error={image.error} />;
  if (!url) return <div className={`qr-placeholder ${className ?? ''}`} aria-busy="true" />;
  return <img src={url} alt={alt} className={className} />;
}
