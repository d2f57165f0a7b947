"""Off-topic questions asked in Spanish, German, Russian and Turkish as in English: answered how often.

    python bench/off_topic_languages.py --db /tmp/lang-e5-sub --encoder e5-multilingual

``bench/thresholds.py``'s 20 off-topic questions, translated by us (not by a model), asked without a
date over an existing index at the default settings with the index's encoder. A question another
language answers where its English original is refused would be a refusal lost; one answered in
both is the index holding that news (the RealTimeQA corpus has the 2022 World Cup). Prints each
language's answered questions and counts; asserts nothing (docs/lab-notes.md, "Every language answered").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's modules, bench's too
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from bench.thresholds import OFF_TOPIC

SPANISH = [
    "¿Quién ganó la Copa Mundial de fútbol de 2022?",
    "¿Cuál es la capital de Francia?",
    "¿Cómo se hornea pan de masa madre?",
    "¿Cuál es el punto de ebullición del wolframio?",
    "¿Quién es el director ejecutivo de Apple?",
    "¿Cuántas patas tiene una araña?",
    "¿Cuál es la receta de una pizza margarita clásica?",
    "¿Cómo cambio una rueda pinchada de bicicleta?",
    "¿Quién escribió la novela Orgullo y prejuicio?",
    "¿Cuál es la velocidad de la luz en el vacío?",
    "¿Qué altura tiene el monte Kilimanjaro?",
    "¿Cuál es la mejor manera de aprender a tocar el violín?",
    "¿Qué planeta tiene más lunas?",
    "¿Cuánto tiempo hay que hervir un huevo para que la yema quede blanda?",
    "¿Qué idioma se habla en Brasil?",
    "¿Quién pintó el techo de la Capilla Sixtina?",
    "¿En qué se diferencian la fotosíntesis y la respiración?",
    "¿Cuál es la fórmula química de la sal de mesa?",
    "¿Cómo restablezco la contraseña de mi router?",
    "¿Cuáles son las reglas del lbw en el críquet?",
]
GERMAN = [
    "Wer hat die Fußball-Weltmeisterschaft 2022 gewonnen?",
    "Was ist die Hauptstadt von Frankreich?",
    "Wie backe ich Sauerteigbrot?",
    "Was ist der Siedepunkt von Wolfram?",
    "Wer ist der Vorstandschef von Apple?",
    "Wie viele Beine hat eine Spinne?",
    "Wie lautet das Rezept für eine klassische Pizza Margherita?",
    "Wie wechsle ich einen platten Fahrradreifen?",
    "Wer schrieb den Roman Stolz und Vorurteil?",
    "Wie hoch ist die Lichtgeschwindigkeit im Vakuum?",
    "Wie hoch ist der Kilimandscharo?",
    "Wie lernt man am besten Geige spielen?",
    "Welcher Planet hat die meisten Monde?",
    "Wie lange muss ich ein Ei für ein weiches Eigelb kochen?",
    "Welche Sprache spricht man in Brasilien?",
    "Wer hat die Decke der Sixtinischen Kapelle bemalt?",
    "Wie unterscheiden sich Photosynthese und Atmung?",
    "Wie lautet die chemische Formel von Kochsalz?",
    "Wie setze ich das Passwort meines Routers zurück?",
    "Was sind die Regeln für LBW beim Cricket?",
]
RUSSIAN = [
    "Кто выиграл чемпионат мира по футболу 2022 года?",
    "Какая столица Франции?",
    "Как испечь хлеб на закваске?",
    "Какова температура кипения вольфрама?",
    "Кто генеральный директор Apple?",
    "Сколько ног у паука?",
    "Какой рецепт классической пиццы Маргарита?",
    "Как поменять проколотую шину велосипеда?",
    "Кто написал роман «Гордость и предубеждение»?",
    "Какова скорость света в вакууме?",
    "Какова высота горы Килиманджаро?",
    "Как лучше всего научиться играть на скрипке?",
    "У какой планеты больше всего спутников?",
    "Сколько варить яйцо всмятку?",
    "На каком языке говорят в Бразилии?",
    "Кто расписал потолок Сикстинской капеллы?",
    "Чем отличаются фотосинтез и дыхание?",
    "Какова химическая формула поваренной соли?",
    "Как сбросить пароль домашнего роутера?",
    "Каковы правила LBW в крикете?",
]
TURKISH = [
    "2022 Dünya Kupası'nı kim kazandı?",
    "Fransa'nın başkenti neresidir?",
    "Ekşi mayalı ekmek nasıl yapılır?",
    "Tungstenin kaynama noktası nedir?",
    "Apple'ın CEO'su kim?",
    "Bir örümceğin kaç bacağı vardır?",
    "Klasik margarita pizzanın tarifi nedir?",
    "Patlak bir bisiklet lastiği nasıl değiştirilir?",
    "Gurur ve Önyargı romanını kim yazdı?",
    "Işığın boşluktaki hızı nedir?",
    "Kilimanjaro Dağı'nın yüksekliği ne kadar?",
    "Keman çalmayı öğrenmenin en iyi yolu nedir?",
    "En çok uydusu olan gezegen hangisidir?",
    "Rafadan yumurta kaç dakika haşlanmalı?",
    "Brezilya'da hangi dil konuşulur?",
    "Sistina Şapeli'nin tavanını kim boyadı?",
    "Fotosentez ile solunum arasındaki fark nedir?",
    "Sofra tuzunun kimyasal formülü nedir?",
    "Ev modemimin şifresini nasıl sıfırlarım?",
    "Kriketteki LBW kuralları nelerdir?",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an index folder")
    parser.add_argument("--encoder", default="e5-multilingual", help="the index's encoder (default: %(default)s)")
    args = parser.parse_args()
    assistant = Assistant(AssistantSettings(db_path=args.db, embedding_model=args.encoder))
    english = {question for question in OFF_TOPIC if assistant.ask(question).answered}
    print(f"English: {len(english)} of {len(OFF_TOPIC)} answered")
    for language, questions in (("Spanish", SPANISH), ("German", GERMAN), ("Russian", RUSSIAN), ("Turkish", TURKISH)):
        answered = [i for i, question in enumerate(questions) if assistant.ask(question).answered]
        lost = [questions[i] for i in answered if OFF_TOPIC[i] not in english]
        print(f"{language}: {len(answered)} of {len(questions)} answered, {len(lost)} whose English is refused")
        for i in answered:
            print(f"  {questions[i]}  (English {'answered' if OFF_TOPIC[i] in english else 'refused'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
