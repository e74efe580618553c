import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/** A table's header row, one column heading per entry ('' for an actions column). */
export function HeadRow({ headings }: { headings: string[] }) {
  return (
    <thead>
      <tr>
        {headings.map((h) => (
          <th scope="col" key={h}>
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A destructive row action asked twice: "Revoke" then "Confirm revoking x" or "Keep". */
export function ConfirmButton(props: { verb: string; confirming: string; name: string; onConfirm: () => Promise<boolean> }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)} aria-label={`${props.verb} ${props.name}`}>
        {props.verb}
      </button>
    );
  return (
    <>
      <button type="button" class="danger" onClick={async () => (await props.onConfirm()) && setAsking(false)}>
        {props.confirming} {props.name}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
    </>
  );
}

/** A secret the API returns once (a key's token, an endpoint's signing secret), selected on focus for copying. */
export function ShownOnce({
  id,
  label,
  value,
  children,
}: {
  id: string;
  label: string;
  value?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="token" role="status">
      <p>{children}</p>
      <label for={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
    </div>
  );
}
