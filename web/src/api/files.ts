// The file endpoints (docs/protocol.md "Files (R2)"). Bytes go up through XHR, the one
// browser API that reports upload progress.

import type { FileCreated, FileInfo, FilePart } from "../../../worker/protocol";
import { FileCreatedSchema, FileEnvelopeSchema, FileMetaSchema, FilePartsSchema } from "../wire/files";
import { api, apiVoid } from "./client";
import { ApiFailure, failureFromBody, networkFailure } from "./failure";
import { freshAccessToken, refreshSession } from "./refresh";

const seg = encodeURIComponent;

export function createUpload(body: {
  conversationId: string;
  name: string;
  size: number;
  contentType: string;
}): Promise<FileCreated> {
  return api("/api/files", FileCreatedSchema, { body });
}

export async function listParts(fileId: string): Promise<FilePart[]> {
  return (await api(`/api/files/${seg(fileId)}/parts`, FilePartsSchema)).parts;
}

export async function completeUpload(fileId: string): Promise<FileInfo> {
  return (await api(`/api/files/${seg(fileId)}/complete`, FileEnvelopeSchema, { method: "POST" })).file;
}

/** `via`: the conversation a forwarded file is shown in (it is read through that one). */
export function fileMeta(fileId: string, via?: string): Promise<{ file: FileInfo; url: string }> {
  return api(`/api/files/${seg(fileId)}/meta${via === undefined ? "" : `?via=${seg(via)}`}`, FileMetaSchema);
}

export interface PutHandle {
  /** Settles when the server took the bytes (its JSON answer is not needed: `complete` reports the file). */
  done: Promise<void>;
  abort(): void;
}

/** Thrown when `abort()` stopped a transfer (a pause), so callers can tell it from a failure. */
export class UploadAborted extends Error {}

function putOnce(path: string, body: Blob, token: string, onProgress: (loaded: number) => void) {
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ status: number; text: string }>((resolve, reject) => {
    xhr.open("PUT", path);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(networkFailure());
    xhr.ontimeout = () => reject(networkFailure());
    xhr.onabort = () => reject(new UploadAborted("aborted"));
    xhr.send(body);
  });
  return { xhr, done };
}

function failureOf(status: number, text: string): ApiFailure {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a proxy page, an empty body)
  }
  return failureFromBody(status, body);
}

/** PUTs bytes with progress; refreshes the token once on 401. `abort()` rejects with UploadAborted. */
export function putBytes(path: string, body: Blob, onProgress: (loaded: number) => void): PutHandle {
  let current: XMLHttpRequest | null = null;
  let aborted = false;
  const run = async (): Promise<void> => {
    for (let attempt = 0; ; attempt += 1) {
      const token = await freshAccessToken();
      if (token === null) throw new ApiFailure(401, "unauthorized", "Your session has ended.");
      if (aborted) throw new UploadAborted("aborted");
      const once = putOnce(path, body, token, onProgress);
      current = once.xhr;
      const { status, text } = await once.done;
      if (status === 401 && attempt === 0 && (await refreshSession())) continue;
      if (status < 200 || status >= 300) throw failureOf(status, text);
      return;
    }
  };
  return {
    done: run(),
    abort() {
      aborted = true;
      current?.abort();
    },
  };
}

export const contentPath = (fileId: string) => `/api/files/${seg(fileId)}/content`;
export const partPath = (fileId: string, n: number) => `/api/files/${seg(fileId)}/parts/${n}`;

/** Aborts a pending upload or deletes a file (uploader or admin). */
export function deleteFile(fileId: string): Promise<void> {
  return apiVoid(`/api/files/${seg(fileId)}`, { method: "DELETE" });
}
