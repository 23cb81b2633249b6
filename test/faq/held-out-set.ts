// A second labelled set, written after the matcher and the FAQ wording were tuned on
// eval-set.ts. Measured blind once (top-1: en 85.7 %, ru 64.3 %, uk 71.4 %, es 92.9 %); then
// phrasings were added to the FAQ for the kinds of miss it showed, so it is no longer blind.
// blind-set.ts is the one never tuned against.
import type { EvalCase } from "./eval-set.ts";

export const HELD_OUT_SET: Record<"en" | "ru" | "uk" | "es", EvalCase[]> = {
  en: [
    { text: "my phone number stopped receiving calls two days ago", expected: "number_down" },
    {
      text: "the sms with the code did not arrive, I want my money back",
      expected: "sms_not_received",
    },
    { text: "do I lose my credit if I don't use it", expected: "balance_expiry" },
    { text: "how soon will the refund land on my balance", expected: "balance_refund_time" },
    { text: "what do I need to write in a payout request", expected: "payout_request_contents" },
    { text: "connect me with customer support staff", expected: "contact_human" },
    { text: "where can I email you", expected: "support_email" },
    { text: "the local operator blocked the number for no reason", expected: "number_blocked" },
    { text: "I accidentally deposited too much money", expected: "accidental_topup" },
    { text: "does caller id work on outgoing calls", expected: "caller_id" },
    {
      text: "they want my ID to activate the number, I won't send it",
      expected: "identity_documents",
    },
    { text: "can I get a refund for a problem from last year", expected: "time_limit" },
    { text: "payed with crypto, is refund possible", expected: "payment_methods" },
    { text: "when will you process my withdrawal request", expected: "payout_review_time" },
  ],
  ru: [
    { text: "на мой номер перестали приходить звонки два дня назад", expected: "number_down" },
    { text: "смс с кодом не пришло, верните деньги", expected: "sms_not_received" },
    { text: "пропадут ли мои деньги, если их не тратить", expected: "balance_expiry" },
    { text: "как скоро возврат придёт на баланс", expected: "balance_refund_time" },
    { text: "что нужно написать в заявке на выплату", expected: "payout_request_contents" },
    { text: "свяжите меня с сотрудником поддержки", expected: "contact_human" },
    { text: "на какую почту вам писать", expected: "support_email" },
    { text: "местный оператор заблокировал номер без причины", expected: "number_blocked" },
    { text: "случайно закинул слишком много денег", expected: "accidental_topup" },
    { text: "работает ли определитель номера при исходящих", expected: "caller_id" },
    {
      text: "требуют паспорт для активации номера, я не буду его отправлять",
      expected: "identity_documents",
    },
    { text: "можно вернуть деньги за проблему прошлого года", expected: "time_limit" },
    { text: "платил криптой, возврат возможен?", expected: "payment_methods" },
    { text: "когда обработаете мою заявку на вывод", expected: "payout_review_time" },
  ],
  uk: [
    { text: "на мій номер перестали надходити дзвінки два дні тому", expected: "number_down" },
    { text: "смс з кодом не прийшло, поверніть гроші", expected: "sms_not_received" },
    { text: "чи зникнуть мої гроші, якщо їх не витрачати", expected: "balance_expiry" },
    { text: "як скоро повернення прийде на баланс", expected: "balance_refund_time" },
    { text: "що треба написати в заявці на виплату", expected: "payout_request_contents" },
    { text: "з'єднайте мене зі співробітником підтримки", expected: "contact_human" },
    { text: "на яку пошту вам писати", expected: "support_email" },
    { text: "місцевий оператор заблокував номер без причини", expected: "number_blocked" },
    { text: "випадково закинув забагато грошей", expected: "accidental_topup" },
    { text: "чи працює визначник номера при вихідних", expected: "caller_id" },
    {
      text: "вимагають паспорт для активації номера, я не надсилатиму його",
      expected: "identity_documents",
    },
    { text: "чи можна повернути гроші за проблему минулого року", expected: "time_limit" },
    { text: "платив криптою, повернення можливе?", expected: "payment_methods" },
    { text: "коли обробите мою заявку на виведення", expected: "payout_review_time" },
  ],
  es: [
    { text: "mi número dejó de recibir llamadas hace dos días", expected: "number_down" },
    { text: "no llegó el sms con el código, quiero mi dinero", expected: "sms_not_received" },
    { text: "¿pierdo mi saldo si no lo gasto?", expected: "balance_expiry" },
    { text: "qué tan pronto llega el reembolso a mi saldo", expected: "balance_refund_time" },
    {
      text: "qué tengo que escribir en la solicitud de devolución",
      expected: "payout_request_contents",
    },
    { text: "comunícame con el personal de soporte", expected: "contact_human" },
    { text: "a qué correo les escribo", expected: "support_email" },
    { text: "el operador local bloqueó el número sin razón", expected: "number_blocked" },
    { text: "deposité demasiado dinero sin querer", expected: "accidental_topup" },
    { text: "funciona el identificador de llamadas en las salientes", expected: "caller_id" },
    {
      text: "me piden el DNI para activar el número y no lo voy a mandar",
      expected: "identity_documents",
    },
    { text: "puedo pedir reembolso por un problema del año pasado", expected: "time_limit" },
    { text: "pagué con cripto, se puede devolver", expected: "payment_methods" },
    { text: "cuándo procesan mi solicitud de retiro", expected: "payout_review_time" },
  ],
};

export const HELD_OUT_OUT_OF_SCOPE: Record<"en" | "ru" | "uk" | "es", string[]> = {
  en: [
    "who is the president of Brazil",
    "can you order me a taxi",
    "what's 2+2",
    "sing me a song",
    "how to learn python",
    "I like turtles",
  ],
  ru: [
    "кто президент Бразилии",
    "закажи мне такси",
    "сколько будет 2+2",
    "спой песню",
    "как выучить python",
    "я люблю черепах",
  ],
  uk: [
    "хто президент Бразилії",
    "замов мені таксі",
    "скільки буде 2+2",
    "заспівай пісню",
    "як вивчити python",
    "я люблю черепах",
  ],
  es: [
    "quién es el presidente de Brasil",
    "pídeme un taxi",
    "cuánto es 2+2",
    "cántame una canción",
    "cómo aprender python",
    "me gustan las tortugas",
  ],
};
