import { useBrowser, signUp } from '@qual-meet/browser-testing';
import { newPerson } from './support/platform';

const browser = useBrowser();

it('signs up, logs out and logs in again through the UI', async () => {
  const person = await newPerson(browser(), { name: 'ada' });
  await signUp(person);
  await person.page.getByRole('button', { name: 'Log out' }).click();
  await person.page.getByRole('button', { name: 'Log in' }).waitFor();
  await person.page.getByLabel('Email').fill(person.email.toUpperCase());
  await person.page.getByLabel('Password').fill(person.password);
  await person.page.getByRole('button', { name: 'Log in' }).click();
  await person.page.getByRole('button', { name: 'New meeting' }).waitFor();
  await person.context.close();
});

it('says so when the password is wrong', async () => {
  const person = await newPerson(browser());
  await signUp(person);
  await person.page.getByRole('button', { name: 'Log out' }).click();
  await person.page.getByLabel('Email').fill(person.email);
  await person.page.getByLabel('Password').fill('not the password');
  await person.page.getByRole('button', { name: 'Log in' }).click();
  await expect(person.page.getByRole('alert').textContent()).resolves.toMatch(
    /wrong email or password/i,
  );
  await person.context.close();
});

it('says so when the email is already registered', async () => {
  const first = await newPerson(browser());
  await signUp(first);
  const second = await newPerson(browser());
  await second.page.goto('/signup');
  await second.page.getByLabel('Email').fill(first.email);
  await second.page.getByLabel('Password').fill(second.password);
  await second.page.getByRole('button', { name: 'Sign up' }).click();
  await expect(second.page.getByRole('alert').textContent()).resolves.toMatch(
    /already registered/i,
  );
  await Promise.all([first.context.close(), second.context.close()]);
});

it('sends a logged-out visitor of a meeting link to log in, then back to the meeting', async () => {
  const host = await newPerson(browser());
  await signUp(host);
  await host.page.getByRole('button', { name: 'New meeting' }).click();
  await host.page.waitForURL(/\/room\//);
  const roomPath = new URL(host.page.url()).pathname;

  const guest = await newPerson(browser());
  await signUp(guest);
  await guest.page.getByRole('button', { name: 'Log out' }).click();
  await guest.page.goto(roomPath);
  await guest.page.waitForURL(/\/login/);
  await guest.page.getByLabel('Email').fill(guest.email);
  await guest.page.getByLabel('Password').fill(guest.password);
  await guest.page.getByRole('button', { name: 'Log in' }).click();
  await guest.page.getByRole('heading', { name: 'Ready to join?' }).waitFor();
  expect(new URL(guest.page.url()).pathname).toBe(roomPath);
  await Promise.all([host.context.close(), guest.context.close()]);
});
