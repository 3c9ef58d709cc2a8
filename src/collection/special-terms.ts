/**
 * Built-in terms that reveal a special category of personal data (GDPR
 * Art. 9). They are matched as whole words, case-insensitively, with an
 * optional plural `s`; a policy adds its own terms per category.
 *
 * Words that are common outside the category ("health" in "health &
 * beauty", "race" in "race bike", "fingerprint" for devices, "aids" in
 * "hearing aids") are left out on purpose: a refusal must mean something.
 */

export const SPECIAL_CATEGORIES = [
  'health',
  'sex_life',
  'political_opinion',
  'religion',
  'ethnicity',
  'trade_union',
  'genetic',
  'biometric',
] as const;

export type SpecialCategory = (typeof SPECIAL_CATEGORIES)[number];

/** How each built-in category is named in a message. */
export const CATEGORY_NAMES: Readonly<Record<SpecialCategory, string>> = {
  health: 'health',
  sex_life: 'sex life or sexual orientation',
  political_opinion: 'political opinion',
  religion: 'religious belief',
  ethnicity: 'racial or ethnic origin',
  trade_union: 'trade union membership',
  genetic: 'genetic data',
  biometric: 'biometric data',
};

export const BUILTIN_TERMS: Readonly<Record<SpecialCategory, readonly string[]>> = {
  health: [
    'diabetes', 'diabetic', 'insulin', 'cancer', 'oncology', 'tumor', 'tumour',
    'chemotherapy', 'hiv', 'hepatitis', 'pregnancy', 'pregnant', 'fertility',
    'ivf', 'abortion', 'miscarriage', 'depression', 'antidepressant',
    'anxiety disorder', 'bipolar', 'schizophrenia', 'adhd', 'autism',
    'dementia', 'alzheimer', 'parkinson', 'epilepsy', 'asthma', 'medication',
    'prescription', 'diagnosis', 'diagnoses', 'diagnosed', 'disease',
    'medical condition', 'health condition', 'mental health', 'psychiatric',
    'psychotherapy', 'addiction', 'rehab', 'overdose', 'opioid',
    'sexually transmitted', 'erectile dysfunction', 'disability',
  ],
  sex_life: [
    'sexual orientation', 'sex life', 'gay', 'lesbian', 'bisexual',
    'transgender', 'lgbt', 'lgbtq', 'lgbtqia', 'queer', 'homosexual',
    'heterosexual', 'asexual', 'pansexual', 'nonbinary', 'non binary',
  ],
  political_opinion: [
    'political party', 'political affiliation', 'political view',
    'political opinion', 'political donation', 'campaign donation',
    'election campaign', 'vote for', 'voter registration', 'democrat',
    'republican', 'labour party', 'conservative party', 'liberal party',
    'green party', 'socialist', 'communist', 'libertarian', 'left wing',
    'right wing',
  ],
  religion: [
    'religion', 'religious', 'christianity', 'catholic', 'protestant',
    'evangelical', 'islam', 'islamic', 'muslim', 'jewish', 'judaism',
    'hindu', 'hinduism', 'buddhist', 'buddhism', 'sikh', 'atheist', 'mosque',
    'synagogue', 'bible study', 'church membership',
  ],
  ethnicity: [
    'ethnicity', 'ethnic origin', 'ethnic group', 'racial origin', 'racial',
    'african american', 'hispanic', 'latino', 'latina', 'latinx',
    'asian american', 'caucasian', 'indigenous', 'aboriginal',
  ],
  trade_union: [
    'trade union', 'labor union', 'labour union', 'union member',
    'union membership', 'union dues', 'collective bargaining',
  ],
  genetic: [
    'genetic', 'genetics', 'genome', 'genomic', 'genotype', 'dna test',
    'dna kit', 'hereditary', 'brca',
  ],
  biometric: [
    'biometric', 'biometrics', 'facial recognition', 'face scan',
    'fingerprint scan', 'iris scan', 'retina scan', 'voiceprint',
    'palm print', 'palm vein',
  ],
};

/** The message name of a category; an unknown one reads with spaces. */
export function categoryName(category: string): string {
  return NAMES.get(category) ?? category.replaceAll('_', ' ');
}

const NAMES: ReadonlyMap<string, string> = new Map(Object.entries(CATEGORY_NAMES));
