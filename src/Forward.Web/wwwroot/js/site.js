// Forward's page script, an ES module (so it runs only in browsers NHS.UK frontend supports).

// A browser's date field holding a date typed only in part (31/12/ and no year) is sent as empty, which a search form
// reads as "not given" and answers for another date (From: today) without a word. A time field typed in part (18: and
// no minutes) is sent empty too, and the server can only say the time is missing. The forms are novalidate, so the
// browser does not stop them: this does, and says so as the server would, with NHS.UK's error message on the field and
// error summary. Forms that save a date use three boxes instead (<nhs-date-input>), which the server checks itself.
let ErrorSummaryComponent = null;

const partTypedFields = 'input[type="date"], input[type="time"]';

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) {
    return;
  }

  const incomplete = [...form.querySelectorAll(partTypedFields)].filter((input) => input.validity.badInput);
  if (incomplete.length === 0) {
    return;
  }

  event.preventDefault();
  clearIncompleteDates(form);
  const problems = incomplete.map((input) => ({ input, message: incompleteDateMessage(input) }));
  for (const { input, message } of problems) {
    showFieldError(input, message);
  }

  showErrorSummary(problems);
});

/**
 * "Enter a complete 'from' date, or clear it", in the words the server uses for the same fields; "Enter a complete
 * start time" for a time (the session form's, which must have one).
 */
function incompleteDateMessage(input) {
  const label = input.labels?.[0]?.textContent.trim() ?? '';
  if (input.type === 'time') {
    return `Enter a complete ${label === '' ? 'time' : label.toLowerCase()}`;
  }

  return label === '' || /\bdate\b/i.test(label)
    ? 'Enter a complete date, or clear it'
    : `Enter a complete '${label.toLowerCase()}' date, or clear it`;
}

/** Takes away the errors an earlier submit of this form showed, for the fields put right since. */
function clearIncompleteDates(form) {
  for (const group of form.querySelectorAll('[data-incomplete-date]')) {
    delete group.dataset.incompleteDate;
    group.classList.remove('nhsuk-form-group--error');
    group.querySelector('.nhsuk-error-message')?.remove();
    const input = group.querySelector(partTypedFields);
    if (input) {
      input.classList.remove('nhsuk-input--error');
      setDescribedBy(input, describedBy(input).filter((id) => id !== `${input.id}-error`));
    }
  }
}

/** The field's error message, as the nhs-input tag helper draws one (replacing the server's, if it had one). */
function showFieldError(input, message) {
  const group = input.closest('.nhsuk-form-group');
  if (!group) {
    return;
  }

  group.dataset.incompleteDate = '';
  group.classList.add('nhsuk-form-group--error');
  input.classList.add('nhsuk-input--error');
  const errorId = `${input.id}-error`;
  let error = document.getElementById(errorId);
  if (!error) {
    error = document.createElement('span');
    error.className = 'nhsuk-error-message';
    error.id = errorId;
    input.before(error);
  }

  const prefix = document.createElement('span');
  prefix.className = 'nhsuk-u-visually-hidden';
  prefix.textContent = 'Error: ';
  error.replaceChildren(prefix, message);
  if (!describedBy(input).includes(errorId)) {
    setDescribedBy(input, [...describedBy(input), errorId]);
  }
}

/**
 * NHS.UK's error summary above the page heading, where _ErrorSummary puts the server's, focused, and "Error: " in the
 * page title. It replaces the one shown, which was about the form as last sent, but keeps that one's items the page
 * still shows: nothing was sent, so an NHS number the server refused is still wrong, and its field still says so. Only
 * those for fields put right since (their error taken away) or given this script's own message are dropped.
 */
function showErrorSummary(problems) {
  const main = document.querySelector('main') ?? document.body;
  const kept = [];
  for (const old of main.querySelectorAll('.nhsuk-error-summary')) {
    kept.push(...[...old.querySelectorAll('.nhsuk-error-summary__list > li')].filter(stillShown));
    old.remove();
  }

  const summary = element('div', 'nhsuk-error-summary');
  summary.dataset.module = 'nhsuk-error-summary';
  summary.tabIndex = -1;
  const alert = element('div');
  alert.setAttribute('role', 'alert');
  const heading = element('h2', 'nhsuk-error-summary__heading');
  heading.textContent = 'There is a problem';
  const body = element('div', 'nhsuk-error-summary__body');
  const list = element('ul', 'nhsuk-list nhsuk-error-summary__list');
  for (const { input, message } of problems) {
    const link = element('a');
    link.href = `#${input.id}`;
    link.textContent = message;
    const item = element('li');
    item.append(link);
    kept.push(item);
  }

  // In the server's order: errors about the whole form first, then the fields' in the form's order.
  kept.sort((a, b) => {
    const [first, second] = [summaryTarget(a) ?? document.body, summaryTarget(b) ?? document.body];
    return first === second ? 0 : first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  list.append(...kept);
  body.append(list);
  alert.append(heading, body);
  summary.append(alert);
  const pageHeading = main.querySelector('h1');
  if (pageHeading) {
    pageHeading.before(summary);
  } else {
    main.prepend(summary);
  }

  if (!document.title.startsWith('Error: ')) {
    document.title = `Error: ${document.title}`;
  }

  if (ErrorSummaryComponent) {
    // Focuses the summary, and its links move focus to the field and scroll its label into view.
    new ErrorSummaryComponent(summary);
  } else {
    summary.focus();
  }
}

/** The field an error summary item links to, or null for one about the whole form (or a field not on the page). */
function summaryTarget(item) {
  const href = item.querySelector('a')?.getAttribute('href') ?? '';
  return href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
}

/** Whether an item of the summary shown still holds: its field still shows an error, not one this script put there. */
function stillShown(item) {
  const group = summaryTarget(item)?.closest('.nhsuk-form-group');
  return !group || (group.classList.contains('nhsuk-form-group--error') && !('incompleteDate' in group.dataset));
}

function element(name, className) {
  const made = document.createElement(name);
  if (className) {
    made.className = className;
  }

  return made;
}

function describedBy(input) {
  return (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id !== '');
}

function setDescribedBy(input, ids) {
  if (ids.length > 0) {
    input.setAttribute('aria-describedby', ids.join(' '));
  } else {
    input.removeAttribute('aria-describedby');
  }
}

// The layout loads NHS.UK frontend with <script type="module" id="nhsuk-frontend-script" src="...?v=hash">;
// importing that exact URL reuses the module the browser already has instead of fetching it again.
const script = document.getElementById('nhsuk-frontend-script');

if (script instanceof HTMLScriptElement && script.src) {
  const { initAll, ErrorSummary } = await import(script.src);
  ErrorSummaryComponent = ErrorSummary;
  initAll({
    // Characters as the server counts them against the limit (FreeText.Characters): code points, so an emoji is one.
    // NHS.UK's default counts UTF-16 code units, two for an emoji, and said "too many" of text the service takes.
    characterCount: { countFunction: (text) => [...text].length },
  });
}
