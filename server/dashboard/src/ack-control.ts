import { h, replace } from './dom';

export interface AckControl {
  readonly element: HTMLElement;
}

/**
 * An Acknowledge button that opens a one-line reason form in place. The gateway requires a reason
 * (1–500 characters) and records it with the operator's name, so the form asks for it rather than
 * sending a canned one; a modal prompt would block every other update on the page while it is open.
 */
export function createAckControl(options: {
  /** `alert` or `violation`: prefixes the test ids of the control's parts. */
  subject: 'alert' | 'violation';
  onSubmit(reason: string): Promise<void>;
}): AckControl {
  const { subject } = options;
  const element = h('div', { class: 'ack-control' });

  const showButton = (): void => {
    const button = h(
      'button',
      { class: 'button small', testid: `${subject}-ack-button`, attrs: { type: 'button' } },
      'Acknowledge',
    );
    button.addEventListener('click', showForm);
    replace(element, button);
  };

  const showForm = (): void => {
    const input = h('input', {
      class: 'ack-reason',
      testid: `${subject}-ack-reason`,
      attrs: { type: 'text', maxlength: '500', placeholder: 'Reason', 'aria-label': 'Reason', required: '' },
    });
    const confirm = h(
      'button',
      { class: 'button small primary', testid: `${subject}-ack-confirm`, attrs: { type: 'submit', disabled: '' } },
      'Confirm',
    );
    const cancel = h('button', { class: 'button small quiet', attrs: { type: 'button' } }, 'Cancel');
    const problem = h('span', { class: 'form-error small', testid: `${subject}-ack-error`, attrs: { role: 'alert' } });
    const form = h('form', { class: 'ack-form' }, input, confirm, cancel, problem);
    input.addEventListener('input', () => {
      confirm.disabled = input.value.trim().length === 0;
    });
    cancel.addEventListener('click', showButton);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') showButton();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const reason = input.value.trim();
      if (reason.length === 0) return;
      confirm.disabled = true;
      input.disabled = true;
      problem.textContent = '';
      options.onSubmit(reason).then(
        // On success the owner re-renders the row as acknowledged; nothing more to do here.
        () => undefined,
        (error: unknown) => {
          input.disabled = false;
          confirm.disabled = false;
          problem.textContent = error instanceof Error ? error.message : String(error);
        },
      );
    });
    replace(element, form);
    input.focus();
  };

  showButton();
  return { element };
}
