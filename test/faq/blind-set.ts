// The third labelled set, written last, after all tuning; measured as-is and never tuned
// against. Its figures are the honest estimate for questions nobody has seen.
import type { EvalCase } from "./eval-set.ts";

export const BLIND_SET: Record<"en" | "ru" | "uk" | "es", EvalCase[]> = {
  en: [
    { text: "number offline for a whole week, compensation?", expected: "number_down" },
    { text: "the code for telegram never showed up", expected: "sms_not_received" },
    { text: "is my prepaid balance valid forever", expected: "balance_expiry" },
    { text: "I need to speak with an employee", expected: "contact_human" },
    {
      text: "the service got cancelled by me before the month ended, money back for the rest?",
      expected: "deactivated_early",
    },
    { text: "ordered a UK number but you ran out of them", expected: "number_not_provided" },
    {
      text: "I don't understand how your numbers work, I want a refund",
      expected: "misunderstood",
    },
    { text: "how do refunds to my visa card work", expected: "payout_when" },
    {
      text: "what happens with my money if the police block my account",
      expected: "fraud_complaint",
    },
    { text: "received the code but the website says it's wrong", expected: "code_shown" },
    {
      text: "5 business days passed and the balance refund isn't there",
      expected: "balance_refund_time",
    },
    { text: "no longer need this number, give me my money", expected: "changed_mind" },
  ],
  ru: [
    { text: "номер целую неделю не в сети, будет компенсация?", expected: "number_down" },
    { text: "код для телеграма так и не появился", expected: "sms_not_received" },
    { text: "баланс действует бессрочно?", expected: "balance_expiry" },
    { text: "мне надо поговорить с сотрудником", expected: "contact_human" },
    {
      text: "я сам отменил услугу до конца месяца, вернёте остаток?",
      expected: "deactivated_early",
    },
    {
      text: "заказал номер Великобритании, а они у вас закончились",
      expected: "number_not_provided",
    },
    { text: "не понимаю, как работают ваши номера, хочу возврат", expected: "misunderstood" },
    { text: "как работает возврат на карту visa", expected: "payout_when" },
    { text: "что будет с деньгами, если полиция заблокирует аккаунт", expected: "fraud_complaint" },
    { text: "код получил, но сайт пишет, что он неверный", expected: "code_shown" },
    { text: "прошло 5 рабочих дней, а возврата на баланс нет", expected: "balance_refund_time" },
    { text: "номер мне больше не нужен, отдайте деньги", expected: "changed_mind" },
  ],
  uk: [
    { text: "номер цілий тиждень не в мережі, буде компенсація?", expected: "number_down" },
    { text: "код для телеграма так і не з'явився", expected: "sms_not_received" },
    { text: "баланс діє безстроково?", expected: "balance_expiry" },
    { text: "мені треба поговорити зі співробітником", expected: "contact_human" },
    {
      text: "я сам скасував послугу до кінця місяця, повернете залишок?",
      expected: "deactivated_early",
    },
    {
      text: "замовив номер Великої Британії, а вони у вас закінчилися",
      expected: "number_not_provided",
    },
    { text: "не розумію, як працюють ваші номери, хочу повернення", expected: "misunderstood" },
    { text: "як працює повернення на картку visa", expected: "payout_when" },
    { text: "що буде з грошима, якщо поліція заблокує акаунт", expected: "fraud_complaint" },
    { text: "код отримав, але сайт пише, що він неправильний", expected: "code_shown" },
    {
      text: "минуло 5 робочих днів, а повернення на баланс немає",
      expected: "balance_refund_time",
    },
    { text: "номер мені більше не потрібен, віддайте гроші", expected: "changed_mind" },
  ],
  es: [
    {
      text: "el número lleva una semana sin conexión, ¿hay compensación?",
      expected: "number_down",
    },
    { text: "el código de telegram nunca apareció", expected: "sms_not_received" },
    { text: "¿el saldo prepago vale para siempre?", expected: "balance_expiry" },
    { text: "necesito hablar con un empleado", expected: "contact_human" },
    {
      text: "yo cancelé el servicio antes de fin de mes, ¿me devuelven el resto?",
      expected: "deactivated_early",
    },
    {
      text: "pedí un número del Reino Unido pero se les acabaron",
      expected: "number_not_provided",
    },
    {
      text: "no entiendo cómo funcionan sus números, quiero un reembolso",
      expected: "misunderstood",
    },
    { text: "cómo funcionan los reembolsos a mi tarjeta visa", expected: "payout_when" },
    { text: "qué pasa con mi dinero si la policía bloquea mi cuenta", expected: "fraud_complaint" },
    { text: "recibí el código pero la web dice que es incorrecto", expected: "code_shown" },
    {
      text: "pasaron 5 días hábiles y el reembolso al saldo no aparece",
      expected: "balance_refund_time",
    },
    { text: "ya no necesito este número, denme mi dinero", expected: "changed_mind" },
  ],
};

export const BLIND_OUT_OF_SCOPE: Record<"en" | "ru" | "uk" | "es", string[]> = {
  en: [
    "how many calories in a banana",
    "book me a flight to Rome",
    "what's your favourite colour",
    "play some music",
  ],
  ru: [
    "сколько калорий в банане",
    "купи мне билет в Рим",
    "какой твой любимый цвет",
    "включи музыку",
  ],
  uk: [
    "скільки калорій у банані",
    "купи мені квиток до Рима",
    "який твій улюблений колір",
    "увімкни музику",
  ],
  es: [
    "cuántas calorías tiene un plátano",
    "resérvame un vuelo a Roma",
    "cuál es tu color favorito",
    "pon algo de música",
  ],
};
