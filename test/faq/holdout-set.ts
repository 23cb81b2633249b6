// The holdout set: written from the policy and the entry list alone, before the generalisation
// work of issue 6 (richer phrasings, stemming, stop words), without reading blind-set.ts or any
// miss of it. Measured once before that work and once after it; never tuned against.
// Not the same as held-out-set.ts (the "second" set), which was tuned against after its first run.
// Baseline, measured once before the generalisation work (26 questions and 6 out-of-scope ones
// per language; the chat's language set to another one):
//   top-1                  en 80.8 %  ru 100.0 %  uk 100.0 %  es 92.3 %
//   answered outright      en 42.3 %  ru  80.8 %  uk  92.3 %  es 84.6 %
//   answered or suggested  en 88.5 %  ru  96.2 %  uk 100.0 %  es 100.0 %
//   out-of-scope precision en 85.7 %  ru  85.7 %  uk 100.0 %  es 100.0 %  (recall 100 % in all four)
// After it (measured once):
//   top-1                  en 96.2 %  ru 100.0 %  uk 100.0 %  es 100.0 %
//   answered outright      en 88.5 %  ru  96.2 %  uk  96.2 %  es  92.3 %
//   out-of-scope precision en 85.7 %  ru 100.0 %  uk 100.0 %  es 100.0 %  (recall 100 % in all four)
// Caveat: the same author wrote this set and the new phrasings; new phrasings whose words overlap
// a question here by 40 % or more were removed before measuring, but the gain still flatters.
import type { EvalCase } from "./eval-set.ts";

export const HOLDOUT_SET: Record<"en" | "ru" | "uk" | "es", EvalCase[]> = {
  en: [
    { text: "the room I rented isn't working since yesterday", expected: "number_down" },
    { text: "my nuber is dead 3 days now, compensation??", expected: "number_down" },
    {
      text: "my operator blocked the line but i didnt do anything wrong",
      expected: "number_blocked",
    },
    {
      text: "paid for a german number, the site showed it available but now you say there are none left",
      expected: "number_not_provided",
    },
    {
      text: "carrier killed my number and you cant give me another one from the same city",
      expected: "carrier_no_replacement",
    },
    {
      text: "I cancelled the rental a week early, do I get the unused days back",
      expected: "deactivated_early",
    },
    {
      text: "you want a selfie with my passport?? not doing that, refund me",
      expected: "identity_documents",
    },
    { text: "when I call people they dont see my virtual number", expected: "caller_id" },
    {
      text: "ordered a number yesterday but dont need it anymore, can i return it",
      expected: "changed_mind",
    },
    {
      text: "police say my number was used for scam calls, what happens to my funds",
      expected: "fraud_complaint",
    },
    { text: "the one time number never got the whatsapp code", expected: "sms_not_received" },
    {
      text: "code came through but telegram banned the account right after",
      expected: "code_shown",
    },
    {
      text: "used the nonce on a site it says it doesnt support, can I still get a refund",
      expected: "sms_restrictions",
    },
    { text: "will my balance burn if I don't use it for a year", expected: "balance_expiry" },
    {
      text: "will I get refunded in cash or as credit on the account",
      expected: "balance_vs_payout",
    },
    {
      text: "closed all my numbers, want the leftover balance paid out",
      expected: "unused_balance",
    },
    { text: "oops, I topped up 100$ instead of 10, refund pls", expected: "accidental_topup" },
    {
      text: "the service works differently than I thought, I want my money back",
      expected: "misunderstood",
    },
    { text: "in what situations do you return money to the card", expected: "payout_when" },
    { text: "can refunds go back to a crypto wallet", expected: "payment_methods" },
    {
      text: "what info do i need to give for a refund to my card",
      expected: "payout_request_contents",
    },
    { text: "the problem was 2 months ago, can I still claim", expected: "time_limit" },
    { text: "how long till the refund hits my balance", expected: "balance_refund_time" },
    {
      text: "you got my payout request 3 days ago and nothing, how long does review take",
      expected: "payout_review_time",
    },
    { text: "is there a live agent i can talk to", expected: "contact_human" },
    { text: "whats ur email", expected: "support_email" },
  ],
  ru: [
    { text: "арендованная комната не работает уже сутки", expected: "number_down" },
    { text: "номер не пашет третий день, компенсируете?", expected: "number_down" },
    { text: "оператор заблокировал симку, я ничего не нарушал", expected: "number_blocked" },
    { text: "оплатил номер, а мне его так и не выдали", expected: "number_not_provided" },
    {
      text: "номер сломался по вине оператора и замены в том же городе нет",
      expected: "carrier_no_replacement",
    },
    {
      text: "отключил номер раньше срока, вернут ли за оставшиеся дни",
      expected: "deactivated_early",
    },
    { text: "не хочу отправлять скан паспорта, верните деньги", expected: "identity_documents" },
    { text: "при исходящем звонке не отображается мой номер", expected: "caller_id" },
    { text: "передумал, номер больше не нужен", expected: "changed_mind" },
    {
      text: "на номер пришла жалоба от полиции, что будет с деньгами",
      expected: "fraud_complaint",
    },
    { text: "не пришол код на одноразовый номер", expected: "sms_not_received" },
    { text: "код пришёл, но аккаунт в телеге сразу забанили", expected: "code_shown" },
    {
      text: "использовал номер для сайта из списка ограничений, можно отменить заказ?",
      expected: "sms_restrictions",
    },
    { text: "сгорает ли баланс если долго не пользоваться", expected: "balance_expiry" },
    { text: "куда вернут деньги: на баланс или на карту?", expected: "balance_vs_payout" },
    { text: "удалил все номера, хочу вывести остаток с баланса", expected: "unused_balance" },
    { text: "случайно пополнил баланс не на ту сумму", expected: "accidental_topup" },
    { text: "я не понял как работает сервис, верните деньги", expected: "misunderstood" },
    { text: "в каких случаях деньги возвращают на карту", expected: "payout_when" },
    { text: "можно ли вернуть оплату с киви или крипты", expected: "payment_methods" },
    { text: "какие данные указать в заявке на возврат", expected: "payout_request_contents" },
    { text: "проблема была три месяца назад, ещё можно вернуть?", expected: "time_limit" },
    { text: "через сколько дней деньги вернутся на баланс", expected: "balance_refund_time" },
    { text: "сколько рассматривается заявка на возврат на карту", expected: "payout_review_time" },
    { text: "позовите живого человека", expected: "contact_human" },
    { text: "дайте ваш емейл", expected: "support_email" },
  ],
  uk: [
    { text: "орендована кімната не працює вже добу", expected: "number_down" },
    { text: "номер мовчить вже три дні, мені щось компенсують?", expected: "number_down" },
    { text: "оператор заблокував сімку, я нічого не порушував", expected: "number_blocked" },
    { text: "оплатив номер, а мені його так і не видали", expected: "number_not_provided" },
    {
      text: "номер зламався з вини оператора, а заміни в тому ж місті у вас немає",
      expected: "carrier_no_replacement",
    },
    {
      text: "вимкнув номер раніше терміну, чи повернуть за решту днів",
      expected: "deactivated_early",
    },
    { text: "не хочу надсилати скан паспорта, поверніть гроші", expected: "identity_documents" },
    { text: "коли телефоную, у людей не висвічується мій номер", expected: "caller_id" },
    { text: "передумав, номер мені більше не потрібен", expected: "changed_mind" },
    {
      text: "на номер надійшла скарга від поліції, що буде з грошима",
      expected: "fraud_complaint",
    },
    { text: "не прийшла смска на одноразовий номер", expected: "sms_not_received" },
    { text: "код прийшов, але акаунт одразу забанили", expected: "code_shown" },
    {
      text: "я проігнорував обмеження номера, можна скасувати замовлення?",
      expected: "sms_restrictions",
    },
    { text: "чи згорає балланс, якщо довго не користуватися", expected: "balance_expiry" },
    { text: "куди повернуть гроші: на баланс чи на картку?", expected: "balance_vs_payout" },
    { text: "видалив усі номери, хочу вивести залишок з балансу", expected: "unused_balance" },
    { text: "випадково поповнив рахунок не на ту суму", expected: "accidental_topup" },
    { text: "я не зрозумів, як працює сервіс, поверніть гроші", expected: "misunderstood" },
    { text: "у яких випадках гроші повертають на картку", expected: "payout_when" },
    { text: "чи можна повернути оплату криптою", expected: "payment_methods" },
    { text: "які дані вказати в заявці на повернення", expected: "payout_request_contents" },
    { text: "проблема була три місяці тому, ще можна повернути?", expected: "time_limit" },
    { text: "за скільки днів гроші повернуться на баланс", expected: "balance_refund_time" },
    { text: "скільки розглядають заявку на повернення на картку", expected: "payout_review_time" },
    { text: "можна поспілкуватися з живою людиною?", expected: "contact_human" },
    { text: "яка у вас електронна пошта", expected: "support_email" },
  ],
  es: [
    { text: "la habitación que alquilé no funciona desde ayer", expected: "number_down" },
    { text: "mi numero lleva 3 dias sin funcionar, me compensan?", expected: "number_down" },
    { text: "la operadora me bloqueó la línea y yo no hice nada", expected: "number_blocked" },
    { text: "pagué el número y nunca me lo entregaron", expected: "number_not_provided" },
    {
      text: "el operador estropeó mi número y no tienen otro de la misma ciudad",
      expected: "carrier_no_replacement",
    },
    {
      text: "di de baja el número antes de tiempo, me devuelven los días que quedan?",
      expected: "deactivated_early",
    },
    {
      text: "no pienso mandar una foto de mi DNI, devuélvanme el dinero",
      expected: "identity_documents",
    },
    { text: "cuando llamo no aparece mi número virtual", expected: "caller_id" },
    { text: "me arrepentí, ya no quiero el número", expected: "changed_mind" },
    {
      text: "la policía dice que mi número se usó para estafas, qué pasa con mi dinero",
      expected: "fraud_complaint",
    },
    { text: "nunca me llegó el sms al numero de un solo uso", expected: "sms_not_received" },
    {
      text: "me llegó el código pero luego me bloquearon la cuenta de whatsapp",
      expected: "code_shown",
    },
    {
      text: "no respeté las restricciones del número, puedo cancelar el pedido?",
      expected: "sms_restrictions",
    },
    { text: "se vence el saldo si no lo uso?", expected: "balance_expiry" },
    { text: "el reembolso va al saldo o a la tarjeta?", expected: "balance_vs_payout" },
    {
      text: "borré mis números, quiero retirar lo que queda en el saldo",
      expected: "unused_balance",
    },
    { text: "recargué saldo sin querer", expected: "accidental_topup" },
    { text: "no entendí cómo funciona el servicio, quiero mi dinero", expected: "misunderstood" },
    { text: "en qué casos devuelven el dinero a la tarjeta", expected: "payout_when" },
    { text: "se puede reembolsar un pago hecho con paypal o cripto", expected: "payment_methods" },
    {
      text: "que datos tengo que poner en la solicitud de devolucion",
      expected: "payout_request_contents",
    },
    { text: "el problema fue hace tres meses, todavía puedo reclamar?", expected: "time_limit" },
    { text: "cuantos dias tarda el reembolso al saldo", expected: "balance_refund_time" },
    {
      text: "cuánto tardan en revisar mi solicitud de reembolso a la tarjeta",
      expected: "payout_review_time",
    },
    { text: "quiero hablar con una persona real", expected: "contact_human" },
    { text: "cual es su correo", expected: "support_email" },
  ],
};

export const HOLDOUT_OUT_OF_SCOPE: Record<"en" | "ru" | "uk" | "es", string[]> = {
  en: [
    "what's the weather in Kyiv tomorrow",
    "recommend a good pizza place",
    "how do I reset my iphone",
    "tell me a joke",
    "who won the football match yesterday",
    "translate hello to french",
  ],
  ru: [
    "какая завтра погода в москве",
    "посоветуй фильм на вечер",
    "как приготовить борщ",
    "расскажи анекдот",
    "кто выиграл матч вчера",
    "курс доллара на сегодня",
  ],
  uk: [
    "яка погода завтра у Львові",
    "порадь серіал на вечір",
    "як зварити борщ",
    "розкажи анекдот",
    "хто виграв матч учора",
    "курс долара на сьогодні",
  ],
  es: [
    "qué tiempo hará mañana en Madrid",
    "recomiéndame una película",
    "cómo se hace una paella",
    "cuéntame un chiste",
    "quién ganó el partido ayer",
    "cuál es la capital de Australia",
  ],
};
