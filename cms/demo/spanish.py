"""The demo's Spanish translations, applied through wagtail-localize as an organizer would.

Keys are the English source strings of the demo pages; a string missing here stays in
English (wagtail-localize falls back to the source), which a test would catch.
"""

from __future__ import annotations

from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

SPANISH = {
    # Home page
    "Community trust in Riverton": "Confianza comunitaria en Riverton",
    "The Riverton Community Trust Coalition asks residents how safe they feel with local "
    "police and immigration enforcement, neighborhood by neighborhood, and publishes what "
    "it learns. You never need an account and we never ask for your name.": (
        "La Coalición de Confianza Comunitaria de Riverton pregunta a los residentes qué tan "
        "seguros se sienten con la policía local y con los controles migratorios, vecindario "
        "por vecindario, y publica lo que aprende. Nunca necesita una cuenta y nunca le "
        "pedimos su nombre."
    ),
    "What you can expect and what you can say if police stop your car.": (
        "Qué puede esperar y qué puede decir si la policía detiene su carro."
    ),
    "Ways to report a crime or ask for help, including without giving your name.": (
        "Formas de denunciar un delito o pedir ayuda, incluso sin dar su nombre."
    ),
    # Know your rights at a traffic stop
    "Know your rights at a traffic stop": "Conozca sus derechos en una parada de tráfico",
    "Stay calm and keep your hands visible": "Mantenga la calma y las manos a la vista",
    "Pull over where it is safe, turn off the engine and keep your hands on the wheel.\n"
    "Sudden movements can be misread.": (
        "Oríllese donde sea seguro, apague el motor y mantenga las manos en el volante.\n"
        "Los movimientos bruscos pueden malinterpretarse."
    ),
    "What you must show": "Qué debe mostrar",
    "The driver usually has to show a driver's licence, the vehicle registration and proof\n"
    "of insurance. Passengers in most places do not have to show identification unless they\n"
    "are suspected of something.": (
        "Normalmente quien maneja debe mostrar la licencia de conducir, el registro del "
        "vehículo y el comprobante\nde seguro. En la mayoría de los lugares, los pasajeros "
        "no tienen que mostrar identificación a menos que\nse sospeche de algo."
    ),
    "You may stay silent": "Puede guardar silencio",
    'You can say "I choose to remain silent." You do not have to answer questions about\n'
    "where you were born, your immigration status or where you are going. Do not lie and do\n"
    "not hand over false documents.": (
        "Puede decir: «Elijo guardar silencio». No tiene que responder preguntas sobre\n"
        "dónde nació, su situación migratoria o adónde va. No mienta y no\n"
        "entregue documentos falsos."
    ),
    "Searches": "Registros",
    'You can say "I do not consent to a search." Officers may search anyway if they\n'
    "believe they have a legal reason; do not resist physically. Remember the officers'\n"
    "names or badge numbers and the patrol car number.": (
        "Puede decir: «No doy mi consentimiento para un registro». Los agentes pueden "
        "registrar de todos modos si\ncreen tener una razón legal; no se resista "
        "físicamente. Recuerde los nombres\no números de placa de los agentes y el número "
        "de la patrulla."
    ),
    "If you are detained": "Si lo detienen",
    'Ask "Am I free to go?" If you are detained, ask to speak to a lawyer. Do not sign\n'
    "papers you do not understand. Memorise the phone number of a family member and of a\n"
    "legal aid organisation.": (
        "Pregunte: «¿Puedo irme?». Si lo detienen, pida hablar con un abogado. No firme\n"
        "papeles que no entienda. Memorice el número de teléfono de un familiar y de una\n"
        "organización de ayuda legal."
    ),
    "This page is general information, not legal advice. Laws differ between places;\n"
    "a local legal aid organisation can tell you what applies where you live.": (
        "Esta página es información general, no asesoría legal. Las leyes cambian de un "
        "lugar a otro;\nuna organización local de ayuda legal puede decirle qué aplica "
        "donde usted vive."
    ),
    # How to report a crime safely
    "How to report a crime safely": "Cómo denunciar un delito de forma segura",
    "In an emergency": "En una emergencia",
    "If someone is in danger, call the emergency number. You can ask for an interpreter;\n"
    "say the name of your language in English.": (
        "Si alguien está en peligro, llame al número de emergencias. Puede pedir un "
        "intérprete;\ndiga el nombre de su idioma en inglés (por ejemplo, «Spanish»)."
    ),
    "Reporting without giving your name": "Denunciar sin dar su nombre",
    "Many cities run anonymous tip lines and online forms. Crime Stoppers programmes do\n"
    "not ask for your name or trace calls.": (
        "Muchas ciudades tienen líneas de denuncia anónima y formularios en línea. Los "
        "programas Crime Stoppers\nno piden su nombre ni rastrean las llamadas."
    ),
    "Getting help from someone you trust": "Pedir ayuda a alguien de confianza",
    "Victim advocates, community organisations and some faith groups can help you report\n"
    "and go with you to appointments. Victims of some crimes can apply for protections that\n"
    "do not depend on immigration status; ask a legal aid organisation about them.": (
        "Los defensores de víctimas, las organizaciones comunitarias y algunos grupos de fe "
        "pueden ayudarle a denunciar\ny acompañarle a sus citas. Las víctimas de algunos "
        "delitos pueden solicitar protecciones que\nno dependen de la situación migratoria; "
        "pregunte a una organización de ayuda legal."
    ),
    "Write it down": "Anótelo",
    "Note what happened, when and where, and who saw it, while you remember. Keep a copy\n"
    "of any report number you are given.": (
        "Anote qué pasó, cuándo y dónde, y quién lo vio, mientras lo recuerda. Guarde una "
        "copia\nde cualquier número de reporte que le den."
    ),
    # The survey
    "Community Trust &amp; Safety Survey": "Encuesta de Confianza y Seguridad Comunitaria",
    "About five minutes. Anonymous: no account, no name.": (
        "Unos cinco minutos. Anónima: sin cuenta y sin nombre."
    ),
    "How safe do you feel with the local police? Would you call them if you needed help? "
    "Your answers, pooled by neighborhood, show the city council what is really happening.": (
        "¿Qué tan seguro se siente con la policía local? ¿La llamaría si necesitara ayuda? "
        "Sus respuestas, reunidas por vecindario, muestran al concejo municipal lo que "
        "realmente está pasando."
    ),
    "This survey takes about five minutes. Every question except your neighborhood is "
    "optional. Please do not write names, addresses or phone numbers in your answers.": (
        "Esta encuesta toma unos cinco minutos. Todas las preguntas, excepto su vecindario, "
        "son opcionales. Por favor no escriba nombres, direcciones ni números de teléfono "
        "en sus respuestas."
    ),
    "Where you live": "Dónde vive",
    "Which neighborhood do you live in?": "¿En qué vecindario vive?",
    "How many years have you lived in this neighborhood?": (
        "¿Cuántos años ha vivido en este vecindario?"
    ),
    "Write 0 if less than one year.": "Escriba 0 si es menos de un año.",
    "Trust in the local police": "Confianza en la policía local",
    "I trust the local police to do what is right for my neighborhood.": (
        "Confío en que la policía local hace lo correcto por mi vecindario."
    ),
    "The local police treat everyone in my neighborhood fairly, whatever their background "
    "or language.": (
        "La policía local trata con justicia a todas las personas de mi vecindario, sin "
        "importar su origen o su idioma."
    ),
    "When the police stop someone here, they explain why and listen.": (
        "Cuando la policía detiene a alguien aquí, explica por qué y escucha."
    ),
    "The local police treat residents with respect.": (
        "La policía local trata a los residentes con respeto."
    ),
    "Overall, how much do you trust the local police?": (
        "En general, ¿cuánto confía en la policía local?"
    ),
    "Not at all": "Nada",
    "Completely": "Totalmente",
    "Reporting crime and calling for help": "Denunciar delitos y pedir ayuda",
    "If I saw a crime in my neighborhood, I would report it to the police.": (
        "Si viera un delito en mi vecindario, lo denunciaría a la policía."
    ),
    "If I or my family needed help, I would call the police.": (
        "Si yo o mi familia necesitáramos ayuda, llamaría a la policía."
    ),
    "In the last 12 months, was there a time you needed help but did not call the police?": (
        "En los últimos 12 meses, ¿hubo algún momento en que necesitó ayuda pero no llamó "
        "a la policía?"
    ),
    "Yes": "Sí",
    "No": "No",
    "Prefer not to say": "Prefiero no decirlo",
    "I worry that a routine traffic stop could lead to someone I know being handed over "
    "to immigration enforcement.": (
        "Me preocupa que una parada de tráfico de rutina termine con alguien que conozco "
        "entregado a las autoridades migratorias."
    ),
    "In the last 12 months, have you or your family avoided any of these because of fear "
    "of immigration enforcement?": (
        "En los últimos 12 meses, ¿usted o su familia han evitado alguna de estas cosas "
        "por miedo a las autoridades migratorias?"
    ),
    "Choose all that apply.": "Elija todas las que correspondan.",
    "Driving": "Manejar",
    "Going to the police station": "Ir a la estación de policía",
    "A hospital or clinic": "Un hospital o una clínica",
    "School events": "Eventos de la escuela",
    "Court": "La corte",
    "None of these": "Ninguna de estas",
    "Contact with the police": "Contacto con la policía",
    "In the last 12 months, have you had contact with the local police?": (
        "En los últimos 12 meses, ¿ha tenido contacto con la policía local?"
    ),
    "No contact": "Ningún contacto",
    "Yes, I asked them for help": "Sí, les pedí ayuda",
    "Yes, I was stopped while driving": "Sí, me detuvieron mientras manejaba",
    "Yes, I was stopped on foot": "Sí, me detuvieron caminando",
    "Yes, another kind of contact": "Sí, otro tipo de contacto",
    "If you had contact: I was treated fairly.": "Si tuvo contacto: me trataron con justicia.",
    "In that contact, I was treated fairly.": "En ese contacto, me trataron con justicia.",
    "Answer this if you had contact with the police in the last 12 months.": (
        "Responda esto si tuvo contacto con la policía en los últimos 12 meses."
    ),
    "Skip this if you had no contact with the police.": (
        "Sáltese esta pregunta si no tuvo contacto con la policía."
    ),
    "About you (optional)": "Sobre usted (opcional)",
    "These help us check that every group is heard.": (
        "Estas preguntas nos ayudan a comprobar que se escucha a todos los grupos."
    ),
    "How old are you?": "¿Qué edad tiene?",
    "18–24": "18–24",
    "25–34": "25–34",
    "35–49": "35–49",
    "50–64": "50–64",
    "65 or older": "65 o más",
    "Which language do you speak most at home?": "¿Qué idioma habla más en casa?",
    "English": "Inglés",
    "Spanish": "Español",
    "English and Spanish equally": "Inglés y español por igual",
    "Another language": "Otro idioma",
    "Is there anything else you want the coalition to know?": (
        "¿Hay algo más que quiera que sepa la coalición?"
    ),
    "Please leave out names, addresses and phone numbers.": (
        "Por favor no incluya nombres, direcciones ni números de teléfono."
    ),
    # Results page
    "How safe do neighborhoods feel?": "¿Qué tan seguros se sienten los vecindarios?",
    "What residents of each neighborhood told us about the local police, weighted to each "
    "neighborhood's population.": (
        "Lo que los residentes de cada vecindario nos dijeron sobre la policía local, "
        "ponderado según la población de cada vecindario."
    ),
    # Community voices
    "Community voices": "Voces de la comunidad",
    "What residents told us that our surveys did not ask, and what we did about it.": (
        "Lo que los residentes nos dijeron que nuestras encuestas no preguntaban, y lo que "
        "hicimos al respecto."
    ),
    "Tell us about police stops, calling for help, language access or anything else. You "
    "do not need to give your name.": (
        "Cuéntenos sobre paradas policiales, pedir ayuda, acceso en su idioma o cualquier "
        "otra cosa. No necesita dar su nombre."
    ),
    "Results are published by neighborhood once enough people have answered, never for "
    "groups so small that someone could be recognised.": (
        "Los resultados se publican por vecindario cuando han respondido suficientes "
        "personas, nunca para grupos tan pequeños que alguien pudiera ser reconocido."
    ),
}


def ensure_spanish(pages: list[Page]) -> int:
    """Translate `pages` (home page first) into Spanish with the demo's strings."""
    spanish, _ = Locale.objects.get_or_create(language_code="es")
    translated = 0
    for page in pages:
        if page.get_translation_or_none(spanish) is not None:
            continue
        source, _ = TranslationSource.get_or_create_from_instance(page.specific)
        translation, _ = Translation.objects.get_or_create(source=source, target_locale=spanish)
        po = translation.export_po()
        for entry in po:
            # Slugs stay as they are: links keep working in every language.
            entry.msgstr = SPANISH.get(entry.msgid, entry.msgid)
        translation.import_po(po)
        # Saved as a draft and published here, not on commit as wagtail-localize would:
        # the survey's Spanish revision is answered in the same run.
        translation.save_target(publish=False)
        page.get_translation(spanish).specific.get_latest_revision().publish()
        translated += 1
    return translated
