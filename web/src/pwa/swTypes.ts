// The few service-worker globals sw.ts uses. The "webworker" lib cannot be
// combined with "dom" in one tsconfig, so these are declared by hand.
export interface ExtendableEvt extends Event {
  waitUntil(p: Promise<unknown>): void;
}
export interface FetchEvt extends ExtendableEvt {
  request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
export interface PushEvt extends ExtendableEvt {
  data: { text(): string } | null;
}
export interface NotificationClickEvt extends ExtendableEvt {
  notification: Notification;
}
export interface MessageEvt extends ExtendableEvt {
  data: unknown;
}
export interface WindowClientLike {
  url: string;
  focus(): Promise<WindowClientLike>;
  navigate(url: string): Promise<WindowClientLike | null>;
  postMessage(message: unknown): void;
}
export interface SwScope {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
  registration: ServiceWorkerRegistration;
  location: Location;
  clients: {
    matchAll(opts?: { type?: "window"; includeUncontrolled?: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<WindowClientLike | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", listener: (e: ExtendableEvt) => void): void;
  addEventListener(type: "fetch", listener: (e: FetchEvt) => void): void;
  addEventListener(type: "push", listener: (e: PushEvt) => void): void;
  addEventListener(type: "notificationclick", listener: (e: NotificationClickEvt) => void): void;
  addEventListener(type: "message", listener: (e: MessageEvt) => void): void;
}
