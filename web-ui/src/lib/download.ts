// Files the API serves only with the access token (CSV exports, card
// sheets) reach the browser as blobs; this saves one under a name.

/** Saves a blob under `name` through a temporary link. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
