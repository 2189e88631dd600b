import { describe, expect, it } from 'vitest';
import { tokenCreatedText } from '../../src/messages/tokens.js';

const token = { slug: 'churn-model', publicId: 'abc123defg', token: 'mlops_abc123defg_secret' };

describe('the answer to /mlops token', () => {
  it("puts the app's PUBLIC_URL into every snippet", () => {
    const text = tokenCreatedText({ ...token, publicUrl: 'https://mlops.example.com' });
    expect(text).toContain('export MLOPS_URL=https://mlops.example.com');
    expect(text).toContain('curl -O https://mlops.example.com/clients/mlops_lifecycle.py');
    expect(text).toContain('`https://mlops.example.com/ci/mlops-log-run.sh`');
    expect(text).toContain('"$MLOPS_URL/api/v1/projects/churn-model/runs"');
    expect(text).not.toContain('Set PUBLIC_URL');
  });

  it('without PUBLIC_URL shows a placeholder Slack will not read as a link, and says how to fill it in', () => {
    const text = tokenCreatedText(token);
    expect(text).toContain('export MLOPS_URL=&lt;the app’s address&gt;');
    // Slack markup is < … >: none may be left unescaped, or the placeholder would vanish as a broken link.
    expect(text.replace(/&lt;|&gt;/g, '')).not.toMatch(/[<>]/);
    expect(text).toContain('Set PUBLIC_URL');
  });

  it('shows the token once, in its own code block, with how to revoke it', () => {
    const text = tokenCreatedText(token);
    expect(text).toContain('```mlops_abc123defg_secret```');
    expect(text).toContain('/mlops token churn-model revoke abc123defg');
  });
});
