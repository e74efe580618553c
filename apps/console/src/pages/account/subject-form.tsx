import { useState } from 'preact/hooks';
import { ApiError, call, seg } from '../../api';
import { ErrorNote, Notice } from '../../components/feedback';

/** Maps a subject to an account (PUT /v1/subjects/{subject}): its later usage is paid there. */
export function SubjectForm({ account }: { account: string }) {
  const [subject, setSubject] = useState('');
  const [target, setTarget] = useState(account);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    try {
      await call('PUT', `/v1/subjects/${seg(subject.trim())}`, { account: target.trim() });
      setDone(`${subject.trim()} now bills to ${target.trim()}.`);
      setSubject('');
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  return (
    <form class="grid" onSubmit={submit} aria-label="Map a subject">
      <h3 class="span">Map a subject to an account</h3>
      <label for="map-subject">Subject</label>
      <input id="map-subject" required value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
      <label for="map-account">Account</label>
      <input id="map-account" required value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
      <div class="form-actions">
        <button type="submit">Map subject</button>
      </div>
      <ErrorNote error={error} />
      {done && <Notice>{done}</Notice>}
    </form>
  );
}
