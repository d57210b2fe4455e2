import type { ComponentChildren } from "preact";
import { navigate } from "../router";

interface Props {
  href: string;
  class?: string;
  current?: boolean;
  tabIndex?: number;
  /** Marks an item of a roving-focus group (see roving.ts). */
  roving?: boolean;
  children: ComponentChildren;
}

/** An ordinary link that navigates in-app on a plain click. */
export function Link({ href, class: className, current, tabIndex, roving, children }: Props) {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a
      href={href}
      class={className}
      aria-current={current ? "page" : undefined}
      tabIndex={tabIndex}
      data-roving={roving ? "" : undefined}
      onClick={onClick}
    >
      {children}
    </a>
  );
}
