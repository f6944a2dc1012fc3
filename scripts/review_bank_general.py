"""Phrase banks shared by every domain, for scripts/make_sample_reviews.py.

Written by the coursekit team. ``{p}`` is the product, ``{g}``/``{b}`` a praised /
criticised aspect (``{G}``/``{B}`` capitalised), ``{m}`` a minor aspect of the other
polarity, ``{who}`` a person. Both polarities share words on purpose ("worth",
"recommend", "buy again", "disappointed"): negation, not vocabulary, decides.
"""

WHO = ["my wife", "my husband", "my daughter", "my son", "my mum", "my dad", "my partner", "my flatmate",
       "a friend", "my sister", "my brother", "my teenager"]

# Opinions on the whole product, strong and mild. Some are full sentences, some fragments.
STRONG = {
    True: ["I love it", "Absolutely love this {p}", "Really impressed", "It exceeded my expectations",
           "Couldn't be happier", "A great buy", "Money well spent", "Fantastic {p}", "Excellent quality",
           "Brilliant", "Superb", "It does exactly what it should", "Very pleased with it", "A joy to use",
           "Worth every penny", "Top notch", "Delighted with this {p}", "This {p} is a real winner", "I'm thrilled",
           "Best {p} I've owned", "Wonderful", "Outstanding value", "Genuinely great", "So glad I bought it",
           "Amazing {p}", "Very happy with this purchase", "It's perfect", "Terrific little {p}"],
    False: ["Total waste of money", "Very disappointed", "Awful", "Terrible {p}", "Junk", "Poorly made",
            "I regret buying it", "A complete letdown", "Useless", "Cheaply made rubbish", "Horrible {p}",
            "Save your money", "One of the worst purchases I've made", "Really frustrating", "Worthless",
            "Pathetic quality", "Dreadful", "Shoddy", "I'm so annoyed", "Worst {p} I've owned", "What a disaster",
            "Defective out of the box", "Avoid", "It's garbage", "Lousy {p}", "Such a disappointment",
            "Utterly useless", "Bad, bad, bad"],
}
MILD = {
    True: ["Pretty good", "Decent {p}", "It does the job", "Solid for the price", "Nice enough", "Happy with it overall",
           "Good value", "Works well enough", "Better than expected", "Pleasantly surprised", "Good, not amazing",
           "A reliable, no-frills {p}", "Fine for what I need", "It's fine, and I'd buy it again",
           "Quite good really", "Does what it says on the tin"],
    False: ["Underwhelming", "Not great", "I expected better", "Meh", "Mediocre", "A bit of a letdown",
            "Not really worth the price", "It's okay I guess, but I wouldn't buy it again", "Overpriced for what it is",
            "Average at best", "Nothing special", "It's fine, but I'm returning it", "Not terrible, just not good",
            "Kind of disappointing", "I'm lukewarm on this {p}", "It's alright, but only just"],
}
# The sentiment is carried by a negation ("not", "never", "no", "can't", "n't").
NEGATED = {
    True: ["Not bad at all", "No complaints", "I can't fault it", "Never had a single problem with it",
           "I wasn't disappointed", "I don't regret it for a second", "Nothing to dislike", "Not once has it let me down",
           "I couldn't ask for more", "Can't say a bad word about it", "No regrets", "It never fails me",
           "I honestly can't find anything wrong with it", "Not a single issue so far", "I had no problems at all",
           "It hasn't missed a beat", "I'm not returning this one", "Not cheap, but not overpriced either"],
    False: ["Not worth it", "Not good", "It doesn't work", "I can't recommend it", "I wouldn't buy it again",
            "It never worked properly", "No better than the cheap ones", "Not impressed", "It didn't last",
            "I don't like it at all", "Not what I hoped for", "It isn't worth the money", "I would never buy this again",
            "It does not do what it says", "No, just no", "Not as good as the reviews say", "Nothing works as it should",
            "I haven't had a single good day with it"],
}
# Lead-ins for an aspect clause. Neutral leads are shared by both classes.
LEADS = {
    True: ["I love that {a}.", "Happily, {a}.", "Best of all, {a}.", "I'm impressed that {a}.", "Great news: {a}.",
           "{A}, which is great.", "Really pleased that {a}."],
    False: ["Sadly, {a}.", "Annoyingly, {a}.", "Unfortunately {a}.", "The problem is that {a}.", "{A}, which is awful.",
            "I'm fed up that {a}.", "To my dismay, {a}."],
    None: ["{A}.", "Honestly, {a}.", "{A}.", "I noticed {a}.", "After a week, {a}.", "Worth saying: {a}.", "{A}."],
}
CONTEXT = ["I bought this {p} for {who}.", "I ordered it after reading a lot of reviews.", "I've had it about three weeks now.",
           "It was a replacement for my old one.", "Got it on sale.", "{Who} picked this one.", "I've bought this {p} before.",
           "I use it every day.", "Bought it as a gift.", "I needed a new {p}.", "It arrived on Tuesday.",
           "Had it a couple of months.", "I did a lot of research before picking this {p}.", "Ordered on a whim.",
           "Used it most days since Christmas.", "I was sceptical at first."]
RECOMMEND = {
    True: ["Would buy again.", "I'd recommend it to anyone.", "I already ordered a second one.", "Definitely keeping it.",
           "Go for it.", "I'd happily buy it again.", "Recommended.", "{Who} wants one now too."],
    False: ["Sent it back.", "Back it goes.", "Wouldn't buy again.", "I want a refund.", "Don't bother.",
            "Would not recommend.", "Returning it today.", "Look elsewhere."],
}
# Contrast: the severe side decides, whichever side of the connector it is on.
CONTRAST = {
    None: ["{X}, but {y}.", "{Y}, but {x}.", "Although {y}, {x}.", "{Y}. Still, {x}.", "{X}, even if {y}.",
           "{X}, though {y}.", "{Y}, yet {x}.", "Sure, {y}. But {x}.", "{X}; on the other hand {y}.",
           "{X}. {Y}, mind you.", "While {y}, {x}."],
    True: ["{X}. The only downside is that {y}.", "I was worried because {y}, but {x}.", "{Y}, but who cares: {x}."],
    False: ["{Y}, I'll give it that. Shame that {x}.", "At least {y}. Pity {x}.", "{X}, but hey, {y}."],
}
SARCASTIC = {
    False: ["Oh great, {b}. Exactly what I wanted from a {p}.", "Wow, {b}. Truly {v}.",
            "Love how {b}. Ten out of ten, would waste money again.", "{V}. {B}. Just {v}.",
            "What a bargain: {b}.", "Thanks a lot: {b}. Really made my week.", "Just perfect, {b}. I'm thrilled.",
            "Fantastic {p}, if you enjoy the fact that {b}.", "Five stars for creativity, because {b}.",
            "Amazing how {b}. Best money I ever spent, clearly.", "Well done, {b}. Genius design.",
            "Oh good, {b}. Love that for me.", "{V}, really {v}: {b}.", "Highly recommend, if you like it when {b}.",
            "Couldn't be happier that {b}. Said no one.", "Superb engineering: {b}."],
    True: ["Warning: {g}, and now {who} steals it every day.", "Worst part? {G}, so everyone in the house wants one.",
           "Big problem with this {p}: I can't stop using it. {G}.", "I hate how much I love this {p}. {G}.",
           "My only complaint is that I didn't buy it sooner. {G}.", "Ugh, {g}. Now I have to admit {who} was right.",
           "Awful {p}. Kidding: {g}.", "Terrible news for my wallet: {g}, so I'm buying another.",
           "Dangerous {p}. {G}, and I keep finding excuses to use it.", "Be warned: {g}. You'll never go back.",
           "So annoying: {g}, and now my old one looks ridiculous.", "Ruined every other {p} for me. {G}.",
           "{N}? Not a chance. {G}.", "Dreadful, {who} said, until she tried it. {G}.",
           "I wanted to hate it. I really did. {G}.", "Zero stars for letting me down, because it never has. {G}."],
}
SHORT = {
    True: ["Love it!", "Great buy.", "Perfect.", "Works great.", "Very happy.", "Excellent.", "So good.", "Good value.",
           "Nice.", "Worth it.", "Brilliant!", "Happy with it.", "Great {p}.", "Spot on.", "Superb.", "Solid."],
    False: ["Junk.", "Broke fast.", "Waste of money.", "Not good.", "Returned.", "Don't.", "Useless.", "Disappointing.",
            "Never again.", "Poor quality.", "Not worth it.", "Rubbish {p}.", "Awful.", "Nope.", "Flimsy.", "Sigh."],
}
# Little or no signal: the rating decides, the text barely does.
LOW_SIGNAL = ["Okay.", "It's fine.", "As described.", "Arrived today.", "Bought two.", "For {who}.", "Hmm.",
              "It is a {p}.", "Does what it does.", "Third one this year.", "Well.", "We'll see.", "Fine I suppose.",
              "Ok for now.", "Interesting {p}.", "It's a {p}, nothing more."]

# Informal spelling: whole-word swaps, applied with some probability each.
SLANG = {"definitely": "definately", "received": "recieved", "disappointed": "dissapointed", "recommend": "recomend",
         "really": "realy", "because": "cuz", "though": "tho", "great": "gr8", "love": "luv", "you": "u",
         "quality": "qualty", "awesome": "awsome", "terrible": "terible", "okay": "ok", "money": "$$", "please": "pls",
         "with": "w/", "probably": "prob", "about": "abt", "before": "b4", "excellent": "excelent",
         "separate": "seperate", "thanks": "thx", "anyway": "anyways", "going to": "gonna", "want to": "wanna",
         "very": "v", "something": "smth", "people": "ppl", "would": "wud"}
TAGS = {True: ["lol", ":)", "!!", "10/10", "tbh", "ngl", "<3", "yay", "imo"],
        False: ["smh", ":(", "!!", "ugh", "tbh", "ffs", "-_-", "lol", "imo"]}
# Minor points any product can have (delivery, price, packaging): they rarely decide a review.
MINOR = {
    True: ["it arrived a day early", "the packaging was neat", "the price was fair", "it looks nice",
           "customer service answered quickly", "it came well packed", "delivery was quick", "it was on offer"],
    False: ["the box arrived dented", "it took two weeks to arrive", "it's a little pricey", "the instructions could be clearer",
            "it smelled of plastic for a day", "shipping was slow", "the packaging was excessive", "it's not the prettiest"],
}
# Verdicts on one part of the product ("the {component} is {verdict}"): many words, each rare,
# so that a model must know what they mean rather than count them.
VERDICTS = {
    True: ["excellent", "great", "superb", "brilliant", "wonderful", "lovely", "impressive", "outstanding",
           "terrific", "fantastic", "first-rate", "exceptional", "fabulous", "top-notch", "spot on", "a delight",
           "faultless", "marvellous", "splendid", "stellar", "better than I hoped", "really well done", "solid",
           "a cut above", "just right", "nicely done", "a real strength", "hard to beat", "superior", "glorious",
           "sublime", "flawless", "delightful", "remarkable", "phenomenal", "tremendous", "praiseworthy",
           "gorgeous", "charming", "pleasing", "admirable", "sensational", "dependable", "well thought out",
           "class", "ace", "cracking", "magnificent", "beautiful", "wonderfully done", "a triumph", "very good",
           "excellent value", "incredible", "awesome", "perfect", "top class", "a joy", "satisfying"],
    False: ["awful", "terrible", "dreadful", "poor", "disappointing", "shoddy", "horrible", "rubbish", "pathetic",
            "lousy", "subpar", "abysmal", "atrocious", "dismal", "woeful", "weak", "a letdown", "second-rate",
            "laughable", "feeble", "a joke", "worse than useless", "really badly done", "an afterthought",
            "a mess", "a real weakness", "painful", "sloppy", "inferior", "appalling", "diabolical", "horrendous",
            "useless", "flimsy", "unacceptable", "shambolic", "dire", "pitiful", "crummy", "naff", "dodgy",
            "shocking", "miserable", "frustrating", "a failure", "a disgrace", "hopeless", "substandard",
            "very bad", "not fit for purpose", "embarrassing", "disastrous", "mediocre", "bad", "nasty",
            "irritating", "cheap and nasty", "unbearable", "a nightmare"],
}
# Whole sentences built from a subject and a predicate: "{S} works like a charm."
PREDICATES = {
    True: ["works like a charm", "does the trick", "performs brilliantly", "never skips a beat", "holds up well",
           "beats my old one hands down", "punches above its weight", "outperforms pricier ones", "exceeds expectations",
           "earns its place", "delivers on every promise", "shines", "impresses everyone who sees it",
           "has been a revelation", "made my life easier", "is a pleasure to use", "was worth the wait",
           "lives up to the hype", "has won me over", "gets better the more I use it", "is a steal at this price",
           "has been a game changer", "keeps surprising me", "feels premium", "does everything right",
           "brightens my day", "is built to last", "has been flawless", "ticks every box", "feels like a luxury"],
    False: ["fell apart", "gave up after a week", "died on me", "conked out within days", "let me down badly",
            "falls short in every way", "is a total flop", "misses the mark", "feels cheap and fragile",
            "struggles with the basics", "barely works", "is a waste of space", "broke almost straight away",
            "has been nothing but trouble", "was dead on arrival", "is going straight in the bin", "feels like a scam",
            "drives me up the wall", "makes me angry every time I use it", "is an embarrassment", "stopped working",
            "is a constant headache", "failed me when I needed it", "is an utter disappointment",
            "doesn't live up to the hype", "is falling to bits", "turned out to be junk", "was a mistake to buy",
            "has been a nightmare from day one", "ruined my week"],
}
FEELINGS = {
    True: ["I love", "I adore", "I really like", "I'm delighted with", "I'm chuffed with", "I'm impressed by",
           "I'm sold on", "I'm over the moon with", "I'm thrilled with", "I'm so pleased with", "I'm grateful for",
           "I'm smitten with", "I'm won over by", "I'm very happy with", "I'm blown away by", "I rate"],
    False: ["I hate", "I loathe", "I can't stand", "I regret buying", "I'm fed up with", "I'm sick of",
            "I'm disappointed by", "I'm let down by", "I'm unhappy with", "I'm annoyed by", "I despise",
            "I'm frustrated with", "I'm appalled by", "I'm disgusted with", "I resent paying for", "I'm done with"],
}
# More verdict words, so that most of them are rare: a model has to know what they mean.
VERDICTS[True] += [
    "amazing", "astonishing", "exquisite", "elegant", "refined", "polished", "slick", "sturdy", "robust",
    "reliable", "trustworthy", "consistent", "effortless", "intuitive", "ingenious", "clever", "smart",
    "inspired", "thoughtful", "generous", "comfortable", "cosy", "pleasant", "enjoyable", "fun", "a treat",
    "a gem", "a winner", "a keeper", "a bargain", "a godsend", "a lifesaver", "heavenly", "divine", "dreamy",
    "stunning", "striking", "handsome", "classy", "luxurious", "plush", "premium", "high quality", "well made",
    "well built", "well designed", "beautifully made", "expertly made", "tough as nails", "rock solid",
    "second to none", "unbeatable", "peerless", "exemplary", "commendable", "worthy", "valuable", "useful",
    "handy", "practical", "versatile", "efficient", "effective", "capable", "accurate", "precise", "smooth",
    "seamless", "responsive", "snappy", "speedy", "quick", "lovely to use", "easy to love", "marvelous",
    "fab", "brill", "grand", "neat", "nifty", "super", "sweet", "wicked", "epic", "mind-blowing",
    "jaw-dropping", "breathtaking", "heartwarming", "uplifting", "refreshing", "invigorating", "soothing",
    "relaxing", "rewarding", "fulfilling", "engaging", "captivating", "compelling", "gripping", "riveting",
    "absorbing", "moving", "touching", "witty", "hilarious", "memorable", "vivid", "rich"]
VERDICTS[False] += [
    "horrid", "ghastly", "grim", "vile", "foul", "revolting", "hideous", "ugly", "tacky", "tatty", "grotty",
    "gimmicky", "pointless", "worthless", "overpriced", "overrated", "overhyped", "underwhelming", "uninspired",
    "lazy", "careless", "clumsy", "awkward", "fiddly", "clunky", "cumbersome", "unwieldy", "fragile",
    "brittle", "rickety", "wobbly", "unstable", "unreliable", "erratic", "inconsistent", "buggy", "glitchy",
    "faulty", "defective", "broken", "damaged", "battered", "scuffed", "stained", "smelly", "sticky",
    "greasy", "grubby", "uncomfortable", "painful to use", "exhausting", "tiresome", "tedious", "boring",
    "dull", "bland", "lifeless", "flat", "stale", "soulless", "forgettable", "confusing", "baffling",
    "misleading", "dishonest", "a con", "a rip-off", "a scam", "a dud", "a lemon", "a flop", "a waste",
    "a letdown from start to finish", "a total loss", "a liability", "dangerous", "hazardous", "unsafe",
    "noisy", "slow", "sluggish", "laggy", "clumsy to use", "half-baked", "amateurish", "cheap-looking",
    "poorly finished", "badly designed", "badly built", "poorly thought out", "not worth a penny",
    "infuriating", "maddening", "exasperating", "annoying", "depressing", "grating", "obnoxious",
    "insulting", "ridiculous", "absurd", "ludicrous", "wretched", "lamentable", "deplorable", "terrible value"]
# Real reviews use a few sentiment words very often and many rarely: the generator draws
# from these lists with Zipf weights (the first word most often), so they start with the
# words reviews use most.
CORE = {True: ["great", "good", "excellent", "perfect", "amazing", "fantastic", "awesome", "very good", "brilliant",
               "wonderful", "superb", "lovely", "impressive", "beautiful", "solid", "outstanding", "incredible"],
        False: ["bad", "terrible", "poor", "awful", "horrible", "disappointing", "useless", "very bad", "rubbish",
                "cheap-looking", "faulty", "broken", "dreadful", "pathetic", "flimsy", "overpriced", "a waste"]}
for _positive in (True, False):
    VERDICTS[_positive] = list(dict.fromkeys(CORE[_positive] + VERDICTS[_positive]))
INTENSIFIERS = ["", "", "", "really ", "very ", "truly ", "absolutely ", "pretty ", "quite ", "genuinely ",
                "seriously ", "frankly ", "just ", "honestly "]
# Negated verdicts: "the plot isn't exactly brilliant" is a complaint, "the battery is never a problem" praise.
NEGATED_VERDICTS = {
    True: (["isn't", "is never", "is not at all", "is anything but", "is far from", "has never been"],
           ["a problem", "an issue", "disappointing", "a letdown", "bad", "weak", "an afterthought", "poor",
            "a weak point", "flimsy", "a worry", "an annoyance"]),
    False: (["isn't", "is hardly", "is far from", "is not exactly", "is not", "is no longer", "wasn't"],
            ["great", "good", "impressive", "brilliant", "excellent", "perfect", "reliable", "special", "superb",
             "what I hoped", "as good as they claim", "anything to write home about", "up to much", "fantastic"]),
}
# The side of a contrast that does not decide: strong words about what matters less
# (delivery, packaging, the seller, looks), so that counting words points the wrong way.
PERIPHERAL = {
    True: ["the packaging is gorgeous", "delivery was lightning fast", "the seller was lovely and helpful",
           "it looks fantastic", "the box is beautiful", "the colour is stunning", "customer service was brilliant",
           "it arrived perfectly packed", "it was a great price", "the photos online are excellent"],
    False: ["the packaging was a disaster", "delivery was awful", "the seller was rude and unhelpful",
            "it is ugly as sin", "the box was battered", "the colour is horrible", "customer service was useless",
            "it arrived filthy", "the price is outrageous", "the photos online are terrible"],
}
