import OpenAI from 'openai';

const client = new OpenAI();

export async function classify(text: string) {
  const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `Classify: ${text}` }] };
  const res = await client.chat.completions.create(params);
  return res.choices[0]?.message.content ?? '';
}
