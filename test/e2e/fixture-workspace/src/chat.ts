import OpenAI from 'openai';

const client = new OpenAI();

export async function answer(question: string): Promise<string> {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You answer questions about our product in two sentences.' },
      { role: 'user', content: question },
    ],
  });
  return res.choices[0]?.message.content ?? '';
}
