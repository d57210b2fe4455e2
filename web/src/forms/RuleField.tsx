import type { ComponentChildren } from "preact";
import { type Field, fieldOk, ruleText } from "./rules";

interface FieldProps {
  name: Field;
  /** Makes the element ids unique when a page has two fields of one kind (defaults to `name`). */
  id?: string;
  label: string;
  value: string;
  /** Checked against the contract's rule as soon as something is typed. */
  checked: boolean;
  onInput: (value: string) => void;
  type?: "password";
  autocomplete: string;
  maxLength?: number;
  inputMode?: "numeric";
  /** Shown under the rule (a strength hint) and read with the field. */
  children?: ComponentChildren;
}

/** A labelled input whose rule is written under it and turns into the error when broken. */
export function RuleField(props: FieldProps) {
  const { name, label, value, checked, onInput, type, autocomplete, maxLength, inputMode, children } = props;
  const id = props.id ?? name;
  const hintId = `${id}-hint`;
  const extraId = `${id}-extra`;
  const invalid = checked && value !== "" && !fieldOk(name, value);
  const common = {
    id: `${id}-field`,
    name: name === "newPassword" ? "password" : name,
    autocomplete,
    inputMode,
    maxLength,
    value,
    "aria-invalid": invalid ? ("true" as const) : ("false" as const),
    "aria-describedby": children ? `${hintId} ${extraId}` : hintId,
    onInput: (e: { currentTarget: HTMLInputElement }) => onInput(e.currentTarget.value),
  };
  return (
    <div class="field">
      <label for={common.id}>{label}</label>
      {type === "password" ? <input type="password" {...common} /> : <input type="text" {...common} />}
      <small id={hintId} class={invalid ? "hint error" : "hint muted"}>
        {ruleText(name)}
      </small>
      {children && (
        <small id={extraId} class="hint muted" aria-live="polite">
          {children}
        </small>
      )}
    </div>
  );
}
